//! The words of the account emails, plain text, with the link on a line of its own.

/// A message ready for the outbox.
pub struct Email {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Invites someone to a role.
pub fn invitation(base_url: &str, token: &str, role: &str, region: &str) -> Email {
    Email {
        subject: "You are invited to Carrel".to_owned(),
        body: format!(
            "Hello,\n\nYou are invited to join Carrel, the mentorship network for librarians, \
             as {role} in {region}.\n\nAccept the invitation and choose a password here \
             (the link works once, for 14 days):\n\n{base_url}/invitations/{token}\n\n\
             If you did not expect this message, you can ignore it.\n"
        ),
    }
}

/// Tells an existing member they hold a new role.
pub fn role_added(base_url: &str, role: &str, region: &str) -> Email {
    Email {
        subject: format!("You are now {role} in Carrel"),
        body: format!(
            "Hello,\n\nYou have been given the role of {role} in {region} in Carrel.\n\n\
             Sign in to see what is new: {base_url}/sign-in\n"
        ),
    }
}

/// Asks a new member to confirm their address.
pub fn confirm_address(base_url: &str, token: &str) -> Email {
    Email {
        subject: "Confirm your email address for Carrel".to_owned(),
        body: format!(
            "Hello,\n\nThank you for asking to join Carrel. Confirm your email address here \
             (the link works once, for 24 hours):\n\n{base_url}/confirm/{token}\n\n\
             A coordinator of your region will then review your request.\n\n\
             If you did not ask to join, you can ignore this message.\n"
        ),
    }
}

/// Answers a sign-up with an address that already has an account.
pub fn already_registered(base_url: &str) -> Email {
    Email {
        subject: "Someone tried to sign up to Carrel with your address".to_owned(),
        body: format!(
            "Hello,\n\nSomeone, perhaps you, asked to join Carrel with this email address, \
             which already has an account.\n\nSign in: {base_url}/sign-in\n\
             Forgot your password? {base_url}/reset\n\n\
             If it was not you, nothing has changed and you can ignore this message.\n"
        ),
    }
}

/// Sends a password reset link.
pub fn reset_link(base_url: &str, token: &str) -> Email {
    Email {
        subject: "Choose a new Carrel password".to_owned(),
        body: format!(
            "Hello,\n\nChoose a new password here (the link works once, for one hour):\n\n\
             {base_url}/reset/{token}\n\n\
             If you did not ask for this, you can ignore this message; your password stays \
             as it is.\n"
        ),
    }
}

/// Tells coordinators a request to join waits for them.
pub fn approval_waiting(base_url: &str) -> Email {
    Email {
        subject: "A request to join Carrel is waiting for you".to_owned(),
        body: format!(
            "Hello,\n\nSomeone in your region confirmed their email address and asks to join \
             Carrel. Review the request here:\n\n{base_url}/approvals\n"
        ),
    }
}

/// Tells a person the outcome of their request.
pub fn approval_outcome(base_url: &str, approved: bool) -> Email {
    if approved {
        Email {
            subject: "Welcome to Carrel".to_owned(),
            body: format!(
                "Hello,\n\nYour request to join Carrel is approved. Sign in and complete your \
                 profile:\n\n{base_url}/sign-in\n"
            ),
        }
    } else {
        Email {
            subject: "Your request to join Carrel".to_owned(),
            body: "Hello,\n\nA coordinator of your region reviewed your request to join Carrel \
                   and could not approve it. If you think this is a mistake, reply to your \
                   regional coordinator.\n"
                .to_owned(),
        }
    }
}
