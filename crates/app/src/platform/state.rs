//! What every handler can reach: the database, the configuration and shared counters.

use std::ops::Deref;
use std::sync::Arc;

use std::time::Duration;

use crate::network::coverage::SupplyCounts;
use crate::network::Region;
use crate::people::profile::Topic;
use crate::platform::auth::throttle::Throttle;
use crate::platform::cache::Cached;
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
    /// Every region, by name (see [`crate::network::regions`]).
    pub regions: Cached<Vec<Region>>,
    /// Every topic, by name (see [`crate::people::profile::topics`]).
    pub topics: Cached<Vec<Topic>>,
    /// The nation's supply and demand (see [`crate::network::coverage::national_supply`]).
    pub national_supply: Cached<SupplyCounts>,
}

/// How long reference data is reused before it is read again.
const REFERENCE_TTL: Duration = Duration::from_secs(60);

impl AppState {
    /// Wraps the parts.
    pub fn new(db: Db, config: Config) -> Self {
        AppState(Arc::new(Shared {
            db,
            config,
            metrics: Metrics::default(),
            throttle: Throttle::default(),
            regions: Cached::new(REFERENCE_TTL),
            topics: Cached::new(REFERENCE_TTL),
            national_supply: Cached::new(REFERENCE_TTL),
        }))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
