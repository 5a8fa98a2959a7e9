//! What every handler can reach: the database, the configuration and shared counters.

use std::ops::Deref;
use std::sync::Arc;

use crate::platform::auth::throttle::Throttle;
use crate::platform::config::Config;
use crate::platform::db::Db;
use crate::platform::web::metrics::Metrics;

/// The application's shared state, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    /// The database.
    pub db: Db,
    /// The configuration the server started with.
    pub config: Config,
    /// Request metrics.
    pub metrics: Metrics,
    /// Sign-in and sign-up throttling.
    pub throttle: Throttle,
}

impl AppState {
    /// Wraps the parts.
    pub fn new(db: Db, config: Config) -> Self {
        AppState(Arc::new(Shared {
            db,
            config,
            metrics: Metrics::default(),
            throttle: Throttle::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
