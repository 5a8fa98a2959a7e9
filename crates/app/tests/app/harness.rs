//! The test app: the real router over a fresh database, with a cookie jar and typed
//! request helpers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, Ordering};

use axum::extract::ConnectInfo;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use carrel_app::app;
use carrel_app::people::store::{self, NewPerson, Status};
use carrel_app::platform::auth::password;
use carrel_app::platform::auth::roles::Role;
use carrel_app::platform::config::Config;
use carrel_app::platform::db::Db;
use carrel_app::platform::state::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The password of every person the tests create.
pub const PASSWORD: &str = "a long and quiet reading room";

/// A running app and one browser's cookies.
pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub state: AppState,
    cookies: HashMap<String, String>,
    address: SocketAddr,
    _data_dir: tempfile::TempDir,
}

/// A finished response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    /// A new app on a fresh database of the engine the environment chooses.
    pub async fn spawn() -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_data_dir(data_dir.path().to_path_buf());
        if let Ok(server) = std::env::var("CARREL_TEST_DATABASE_URL") {
            config.database_url = fresh_postgres_database(&server).await;
        }
        let db = app::open_database(&config)
            .await
            .expect("database opens and migrates");
        let state = AppState::new(db.clone(), config);
        TestApp {
            router: app::router(state.clone()),
            db,
            state,
            cookies: HashMap::new(),
            address: next_address(),
            _data_dir: data_dir,
        }
    }

    /// The same app as another browser, with no cookies.
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            router: self.router.clone(),
            db: self.db.clone(),
            state: self.state.clone(),
            cookies: HashMap::new(),
            address: next_address(),
            _data_dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub async fn request(&mut self, mut request: Request<Body>) -> TestResponse {
        request.extensions_mut().insert(ConnectInfo(self.address));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookies_mut(&mut self) -> &mut HashMap<String, String> {
        &mut self.cookies
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let request = Request::builder()
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.request(request).await
    }

    /// Makes sure the browser holds a form token, as it would after loading any page.
    pub async fn csrf_token(&mut self) -> String {
        if self.cookie("carrel_csrf").is_none() {
            self.get("/healthz").await;
        }
        self.cookie("carrel_csrf").unwrap_or_default().to_owned()
    }

    /// Submits a form with the browser's form token added.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// Submits a form body exactly as given.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> TestResponse {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.request(request).await
    }

    /// Creates an active person with a password and the given grants; returns their id.
    pub async fn person(&self, email: &str, grants: &[(Role, Option<&str>)]) -> i64 {
        self.person_in(email, "NY", grants).await
    }

    /// Like [`person`](Self::person), with a home region.
    pub async fn person_in(
        &self,
        email: &str,
        region: &str,
        grants: &[(Role, Option<&str>)],
    ) -> i64 {
        let hash = password::hash(PASSWORD).unwrap();
        let region_id = self.region_id(region).await;
        let id = store::create(
            &self.db,
            &NewPerson {
                email,
                name: &format!("Person {email}"),
                password_hash: Some(&hash),
                status: Status::Active,
                region_id: Some(region_id),
                requested_role: "",
                time_zone: "America/New_York",
            },
        )
        .await
        .unwrap();
        for (role, region) in grants {
            let region = match region {
                Some(code) => Some(self.region_id(code).await),
                None => None,
            };
            store::grant(&self.db, id, *role, region, None)
                .await
                .unwrap();
        }
        id
    }

    pub async fn region_id(&self, code: &str) -> i64 {
        carrel_app::network::find_region(&self.db, code)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Signs in through the form and checks it worked.
    pub async fn sign_in(&mut self, email: &str) {
        let response = self
            .post_form("/sign-in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email}: {}",
            response.body
        );
        assert_eq!(response.location(), "/");
    }

    /// The bodies of the outbox messages to an address, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<String> {
        let mut messages = carrel_app::platform::mail::list(&self.db, 1000, 0)
            .await
            .unwrap();
        messages.reverse();
        messages
            .into_iter()
            .filter(|m| m.to_address == address)
            .map(|m| m.body_text)
            .collect()
    }
}

/// The path of the first link to this app in a text, such as an emailed link.
pub fn link_path(text: &str, prefix: &str) -> String {
    let base = "http://127.0.0.1:8080";
    let start = text.find(&format!("{base}{prefix}")).expect("link present") + base.len();
    text[start..].split_whitespace().next().unwrap().to_owned()
}

async fn fresh_postgres_database(server: &str) -> String {
    use sqlx::Connection;
    let name = format!("carrel_test_{}", uuid_like());
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .expect("PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.ok();
    match server.rfind('/') {
        Some(slash) => format!("{}/{name}", &server[..slash]),
        None => format!("{server}/{name}"),
    }
}

fn uuid_like() -> String {
    carrel_app::platform::web::tokens::new_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect::<String>()
        .to_lowercase()
}

/// Each browser comes from its own address, as separate people would, so the per-address
/// throttle of one test browser does not spill over to another.
fn next_address() -> SocketAddr {
    static NEXT: AtomicU8 = AtomicU8::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    SocketAddr::from(([10, 0, 0, n], 40000))
}
