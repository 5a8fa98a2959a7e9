//! Configuration: one typed struct, read from flags and `CARREL_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything `carrel serve` needs to know, with its source and default.
///
/// Every field can be given as a flag or as the environment variable named in `--help`.
#[derive(Clone, clap::Args)]
pub struct Config {
    /// Database URL. Empty means an SQLite file `carrel.sqlite3` under the data directory;
    /// `postgres://user:password@host/db` selects PostgreSQL.
    #[arg(long, env = "CARREL_DATABASE_URL", default_value = "")]
    pub database_url: String,

    /// Folder for the SQLite database and other local files; created when missing.
    #[arg(long, env = "CARREL_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Address and port to listen on.
    #[arg(long, env = "CARREL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The address people use to reach Carrel, used in emailed links. An `https://` address
    /// also marks the session cookie Secure.
    #[arg(long, env = "CARREL_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,

    /// Trust the first `X-Forwarded-For` address as the client (only behind a reverse proxy
    /// you run; otherwise clients could pick their own address for throttling).
    #[arg(long, env = "CARREL_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Write logs as JSON lines instead of readable text.
    #[arg(long, env = "CARREL_LOG_JSON", default_value_t = false)]
    pub log_json: bool,

    /// Minutes a session stays valid without a request.
    #[arg(long, env = "CARREL_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: u32,

    /// Hours a session stays valid at most, active or not.
    #[arg(long, env = "CARREL_SESSION_MAX_HOURS", default_value_t = 24)]
    pub session_max_hours: u32,

    /// SMTP server host. Without it, email stays in the outbox that admins read in the app.
    #[arg(long, env = "CARREL_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port.
    #[arg(long, env = "CARREL_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,

    /// SMTP security: `starttls`, `tls` (implicit, usually port 465) or `none` (local relays
    /// and tests only).
    #[arg(long, env = "CARREL_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: SmtpSecurity,

    /// SMTP user name, when the server needs one.
    #[arg(long, env = "CARREL_SMTP_USER")]
    pub smtp_user: Option<String>,

    /// SMTP password.
    #[arg(long, env = "CARREL_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// The sender address of every message.
    #[arg(
        long,
        env = "CARREL_MAIL_FROM",
        default_value = "Carrel <carrel@localhost>"
    )]
    pub mail_from: String,

    /// The Jitsi Meet server where convenings get a generated room when no link is pasted.
    #[arg(long, env = "CARREL_JITSI_URL", default_value = "https://meet.jit.si")]
    pub jitsi_url: String,

    /// Video hosts allowed for convening links besides Zoom, Teams, Google Meet and the
    /// Jitsi server, comma-separated (a host allows its subdomains too).
    #[arg(long, env = "CARREL_VIDEO_HOSTS", value_delimiter = ',')]
    pub video_hosts: Vec<String>,

    /// Days after publication when a library resource comes due for review by the curators.
    #[arg(long, env = "CARREL_RESOURCE_REVIEW_DAYS", default_value_t = 365)]
    pub resource_review_days: u32,

    /// Months between the requests to confirm one's career stage and needs.
    #[arg(long, env = "CARREL_CAREER_CHECK_MONTHS", default_value_t = 6)]
    pub career_check_months: u32,
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// No encryption: only for a relay on the same host.
    None,
}

impl Config {
    /// A configuration with every default, for tests and tools.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Self {
            database_url: String::new(),
            data_dir,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: "http://127.0.0.1:8080".to_owned(),
            trust_proxy: false,
            log_json: false,
            session_idle_minutes: 60,
            session_max_hours: 24,
            smtp_host: None,
            smtp_port: 587,
            smtp_security: SmtpSecurity::Starttls,
            smtp_user: None,
            smtp_password: None,
            mail_from: "Carrel <carrel@localhost>".to_owned(),
            jitsi_url: "https://meet.jit.si".to_owned(),
            video_hosts: Vec::new(),
            resource_review_days: 365,
            career_check_months: 6,
        }
    }

    /// Whether cookies must carry the Secure attribute.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// How long a session may sit idle.
    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_idle_minutes) * 60)
    }

    /// The longest a session may live.
    pub fn session_max(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_max_hours) * 3600)
    }

    /// The database URL to connect to, resolving the empty default to the SQLite file.
    pub fn resolved_database_url(&self) -> String {
        if self.database_url.is_empty() {
            let path = self.data_dir.join("carrel.sqlite3");
            format!("sqlite://{}", path.display())
        } else {
            self.database_url.clone()
        }
    }
}

// Secrets stay out of logs and panics: only whether they are set is shown.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database", &redact_url(&self.resolved_database_url()))
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("base_url", &self.base_url)
            .field("trust_proxy", &self.trust_proxy)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_user", &self.smtp_user.as_ref().map(|_| "(set)"))
            .field(
                "smtp_password",
                &self.smtp_password.as_ref().map(|_| "(set)"),
            )
            .finish_non_exhaustive()
    }
}

/// Hides the password part of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://(credentials){}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacting_a_url_hides_user_and_password() {
        assert_eq!(
            redact_url("postgres://carrel:s3cret@db.example/carrel"),
            "postgres://(credentials)@db.example/carrel"
        );
        assert_eq!(
            redact_url("sqlite://data/carrel.sqlite3"),
            "sqlite://data/carrel.sqlite3"
        );
    }

    #[test]
    fn the_default_database_is_a_file_in_the_data_dir() {
        let config = Config::for_data_dir(PathBuf::from("/srv/carrel"));
        assert_eq!(
            config.resolved_database_url(),
            "sqlite:///srv/carrel/carrel.sqlite3"
        );
    }
}
