//! Request counts and latencies by route template, in Prometheus' text format.
//!
//! Labels are the route template (`/people/{id}`), never the path, so the number of series
//! stays bounded whatever clients request.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The registry of HTTP metrics of one server.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let key = (method.to_owned(), route.to_owned(), status);
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let entry = series.entry(key).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// Renders every series in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP carrel_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE carrel_http_requests_total counter\n");
        let Ok(series) = self.series.lock() else {
            return out;
        };
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            let _ = writeln!(out, "carrel_http_requests_total{{{labels}}} {}", s.count);
        }

        out.push_str("# HELP carrel_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE carrel_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            let name = "carrel_http_request_duration_seconds";
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", s.count);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_counted_under_its_route_and_bucket() {
        let metrics = Metrics::default();
        metrics.record("GET", "/people/{id}", 200, Duration::from_millis(20));
        metrics.record("GET", "/people/{id}", 200, Duration::from_millis(3));

        let text = metrics.render();

        let labels = "method=\"GET\",route=\"/people/{id}\",status=\"200\"";
        assert!(text.contains(&format!("carrel_http_requests_total{{{labels}}} 2")));
        let bucket = "carrel_http_request_duration_seconds_bucket";
        assert!(text.contains(&format!("{bucket}{{{labels},le=\"0.005\"}} 1")));
        assert!(text.contains(&format!("{bucket}{{{labels},le=\"0.025\"}} 2")));
    }
}
