//! The emails of a mentorship. None carries a word of the private notes.

use crate::cycles::proposals::Side;
use crate::mentorships::store::Mentorship;
use crate::platform::db::Db;
use crate::platform::mail;
use crate::platform::state::AppState;

fn link(base_url: &str, m: &Mentorship, rest: &str) -> String {
    format!("{base_url}/mentorships/{}{rest}", m.id)
}

/// Asks the other person of the pair to confirm the agreement just saved.
pub async fn agreement_to_confirm(
    state: &AppState,
    m: &Mentorship,
    saved_by: Side,
) -> Result<(), sqlx::Error> {
    let (to, name, other) = match saved_by {
        Side::Mentee => (&m.mentor_email, &m.mentor_name, &m.mentee_name),
        Side::Mentor => (&m.mentee_email, &m.mentee_name, &m.mentor_name),
    };
    let body = format!(
        "Hello {name},\n\n{other} has written your mentorship agreement: goals, how often and \
         how you meet, confidentiality and the end date. Please read it and confirm it, or \
         change it:\n{}\n",
        link(&state.config.base_url, m, "")
    );
    mail::enqueue(
        &state.db,
        to,
        "Please confirm your mentorship agreement",
        &body,
    )
    .await
}

/// Tells the liaison that one of the pair says the match does not fit.
pub async fn poor_fit_to_liaison(state: &AppState, m: &Mentorship) -> Result<(), sqlx::Error> {
    let Some(to) = &m.liaison_email else {
        return Ok(());
    };
    let body = format!(
        "Hello {},\n\nOne of the pair {} and {} says their match does not fit. You can talk \
         with them, and if it helps, end the mentorship and return the mentee to the pool of \
         {} for a new match:\n{}\n",
        m.liaison_name.as_deref().unwrap_or("coordinator"),
        m.mentee_name,
        m.mentor_name,
        m.cycle_name,
        link(&state.config.base_url, m, "/ending")
    );
    mail::enqueue(&state.db, to, "A mentorship reports a poor fit", &body).await
}

/// Tells both people a mentorship ended early (or was ended to re-pair the mentee) and asks
/// each for a closing reflection.
pub async fn ended(state: &AppState, m: &Mentorship, repaired: bool) -> Result<(), sqlx::Error> {
    let reflection = link(&state.config.base_url, m, "/ending");
    let why = if repaired {
        "Your coordinator has ended it so the mentee can be matched again."
    } else {
        "It was ended early."
    };
    for (to, name) in [
        (&m.mentee_email, &m.mentee_name),
        (&m.mentor_email, &m.mentor_name),
    ] {
        let body = format!(
            "Hello {name},\n\nYour mentorship in {} has ended. {why} Thank you for the time you \
             gave it. A short reflection helps you and the program; you can write it here:\n\
             {reflection}\n",
            m.cycle_name
        );
        mail::enqueue(&state.db, to, "Your mentorship has ended", &body).await?;
    }
    Ok(())
}

/// Thanks both at a completed mentorship's end: each is asked for a reflection, the mentor
/// gets the link to the letter of service, the mentee is invited to mentor in a coming cycle.
pub async fn completed(db: &Db, base_url: &str, m: &Mentorship) -> Result<(), sqlx::Error> {
    let page = link(base_url, m, "/ending");
    let letter = link(base_url, m, "/letter");
    let to_mentor = format!(
        "Hello {},\n\nYour mentorship in {} is complete. Thank you for your service. Please \
         write a short reflection and rate how far the goals were reached:\n{page}\n\n\
         Your letter of service is ready to print:\n{letter}\n",
        m.mentor_name, m.cycle_name
    );
    let to_mentee = format!(
        "Hello {},\n\nYour mentorship in {} is complete. Please write a short reflection and \
         rate how far your goals were reached:\n{page}\n\n\
         You are warmly invited to mentor someone in a coming cycle: what you learned is what \
         the next librarian needs. See the cycles open to you:\n{base_url}/cycles\n",
        m.mentee_name, m.cycle_name
    );
    let subject = "Your mentorship is complete";
    mail::enqueue(db, &m.mentor_email, subject, &to_mentor).await?;
    mail::enqueue(db, &m.mentee_email, subject, &to_mentee).await
}
