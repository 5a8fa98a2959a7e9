//! Video links: a generated Jitsi Meet room by default, or a pasted link to a known service.
//!
//! A pasted link must be https and point at Zoom, Microsoft Teams, Google Meet, the Jitsi
//! server Carrel uses, or a host an admin allowed in the configuration. Anything else is
//! refused with a message, so a convening never sends its audience to an unknown site.

use rand::RngCore;
use url::Url;

/// Longest link accepted.
const MAX_LINK_CHARS: usize = 500;

/// The services Carrel recognizes, by host: (exact host or parent domain, label).
const KNOWN_SERVICES: [(&str, &str); 5] = [
    ("zoom.us", "Zoom"),
    ("teams.microsoft.com", "Microsoft Teams"),
    ("teams.live.com", "Microsoft Teams"),
    ("meet.google.com", "Google Meet"),
    ("meet.jit.si", "Jitsi Meet"),
];

/// A new Jitsi Meet room on the given server, with a name no one can guess.
///
/// Jitsi rooms are open to whoever knows the name, so the name carries 128 random bits.
pub fn new_jitsi_room(server: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let name: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}/Carrel-{name}", server.trim_end_matches('/'))
}

/// The hosts a pasted link may point at, besides the known services.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts {
    /// The Jitsi server's host.
    pub jitsi: String,
    /// Hosts an admin allowed.
    pub extra: Vec<String>,
}

impl AllowedHosts {
    /// From the configured Jitsi server URL and the admin's list.
    pub fn new(jitsi_server: &str, extra: &[String]) -> Self {
        let jitsi = Url::parse(jitsi_server)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_default();
        AllowedHosts {
            jitsi,
            extra: extra.iter().map(|h| h.trim().to_lowercase()).collect(),
        }
    }

    /// The service's name for a link, or `None` when its host is not allowed.
    pub fn service(&self, host: &str) -> Option<&'static str> {
        let host = host.to_lowercase();
        let matches = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if let Some((_, label)) = KNOWN_SERVICES.iter().find(|(domain, _)| matches(domain)) {
            return Some(label);
        }
        if !self.jitsi.is_empty() && host == self.jitsi {
            return Some("Jitsi Meet");
        }
        self.extra
            .iter()
            .any(|domain| !domain.is_empty() && matches(domain))
            .then_some("Video meeting")
    }

    /// Checks a pasted link; gives the link to store, or the message to show at the field.
    pub fn check(&self, value: &str) -> Result<String, String> {
        let value = value.trim();
        if value.chars().count() > MAX_LINK_CHARS {
            return Err(format!("Use at most {MAX_LINK_CHARS} characters."));
        }
        let url = Url::parse(value).ok().filter(|url| url.scheme() == "https");
        let Some(url) = url else {
            return Err(
                "Paste a link that starts with https://, or leave this empty for a \
                        Jitsi Meet room."
                    .to_owned(),
            );
        };
        let host = url.host_str().unwrap_or_default();
        if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
            return Err(
                "Paste the meeting link as the service gives it, without a user \
                        name or port."
                    .to_owned(),
            );
        }
        if self.service(host).is_none() {
            return Err(format!(
                "Use a Zoom, Microsoft Teams, Google Meet or Jitsi Meet link; links to {host} \
                 are not allowed. An admin can allow other services."
            ));
        }
        Ok(url.to_string())
    }

    /// The name of the service a stored link belongs to, for the page.
    pub fn label_of(&self, link: &str) -> &'static str {
        Url::parse(link)
            .ok()
            .and_then(|url| url.host_str().and_then(|host| self.service(host)))
            .unwrap_or("Video meeting")
    }
}

/// Checks a recording link: any https address, since recordings live on many services.
pub fn check_recording(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    if value.chars().count() > MAX_LINK_CHARS {
        return Err(format!("Use at most {MAX_LINK_CHARS} characters."));
    }
    match Url::parse(value) {
        Ok(url) if url.scheme() == "https" && url.host_str().is_some() => Ok(url.to_string()),
        _ => Err("Paste a link that starts with https://.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> AllowedHosts {
        AllowedHosts::new("https://meet.jit.si", &["video.library.example".to_owned()])
    }

    #[test]
    fn known_services_and_allowed_hosts_pass() {
        let cases = [
            ("https://us02web.zoom.us/j/123456789?pwd=abc", "Zoom"),
            ("https://zoom.us/j/1", "Zoom"),
            (
                "https://teams.microsoft.com/l/meetup-join/19%3a",
                "Microsoft Teams",
            ),
            ("https://meet.google.com/abc-defg-hij", "Google Meet"),
            ("https://meet.jit.si/Carrel-abc", "Jitsi Meet"),
            ("https://video.library.example/room/7", "Video meeting"),
        ];
        for (link, label) in cases {
            assert_eq!(hosts().check(link).as_deref(), Ok(link), "{link}");
            assert_eq!(hosts().label_of(link), label);
        }
    }

    #[test]
    fn insecure_unknown_and_disguised_links_are_refused_with_a_reason() {
        let cases = [
            ("http://zoom.us/j/1", "https://"),
            ("zoom.us/j/1", "https://"),
            ("javascript:alert(1)", "https://"),
            ("https://zoom.us.evil.example/j/1", "not allowed"),
            ("https://notzoom.us/j/1", "not allowed"),
            ("https://evil.example/@zoom.us", "not allowed"),
            ("https://user@zoom.us/j/1", "user name"),
            ("https://zoom.us:8443/j/1", "port"),
        ];
        for (link, reason) in cases {
            let message = hosts().check(link).expect_err("refused");
            assert!(message.contains(reason), "{link}: {message}");
        }
    }

    #[test]
    fn generated_rooms_are_unguessable_and_on_the_configured_server() {
        let (a, b) = (
            new_jitsi_room("https://meet.jit.si/"),
            new_jitsi_room("https://meet.jit.si"),
        );
        assert_ne!(a, b);
        assert!(a.starts_with("https://meet.jit.si/Carrel-"));
        assert_eq!(a.len(), "https://meet.jit.si/Carrel-".len() + 32);
        assert!(hosts().check(&a).is_ok());
    }

    #[test]
    fn recording_links_must_be_https() {
        assert_eq!(check_recording(" "), Ok(String::new()));
        assert!(check_recording("https://library.example/rec/1").is_ok());
        assert!(check_recording("ftp://library.example/rec/1").is_err());
        assert!(check_recording("javascript:alert(1)").is_err());
    }
}
