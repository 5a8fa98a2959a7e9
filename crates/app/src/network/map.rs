//! The coverage map: every state and DC as an SVG shape, every territory as a labeled inset.
//!
//! The outlines come from `states.tsv`, generated once from the us-atlas TopoJSON by
//! `scripts/map/build-states.mjs` (see `docs/map-data.md`). They are already projected to
//! Albers USA in a 975 by 610 pixel frame; the frame here is taller to hold a row of
//! territory insets under the states. Territories are drawn as labeled boxes, not shapes:
//! us-atlas does not include them in its projected file.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::network::coverage::Status;
use crate::network::Region;

/// The SVG view box: the Albers USA frame plus a row for the territories.
pub const VIEW_BOX: &str = "0 0 975 680";

/// States smaller than this many square pixels are too small for a readable code label;
/// their pattern, title and the table still say their status.
const LABEL_MIN_AREA: u32 = 1_500;

/// One outline of the generated data.
#[derive(Clone, Copy, Debug)]
struct Outline {
    fips: &'static str,
    label_x: f32,
    label_y: f32,
    area: u32,
    d: &'static str,
}

static OUTLINES: LazyLock<Vec<Outline>> = LazyLock::new(|| parse(include_str!("states.tsv")));

fn parse(text: &'static str) -> Vec<Outline> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some(Outline {
                fips: fields.next()?,
                label_x: fields.next()?.parse().ok()?,
                label_y: fields.next()?.parse().ok()?,
                area: fields.next()?.parse().ok()?,
                d: fields.next()?,
            })
        })
        .collect()
}

/// How a region is drawn.
#[derive(Clone, Debug)]
pub enum Geometry {
    /// A state or DC: its outline, and where to write its code if it is large enough.
    Outline {
        /// SVG path data.
        d: &'static str,
        /// The label's position, for shapes large enough to hold one.
        label: Option<(f32, f32)>,
    },
    /// A territory: a labeled box in the inset row.
    Inset {
        /// Left edge.
        x: u32,
        /// Top edge.
        y: u32,
    },
}

/// One region on the map.
#[derive(Clone, Debug)]
pub struct MapRegion {
    /// USPS code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Its coverage.
    pub status: Status,
    /// How to draw it.
    pub geometry: Geometry,
}

impl MapRegion {
    /// The link to the region's page.
    pub fn href(&self) -> String {
        format!("/regions/{}", self.code)
    }

    /// The tooltip and accessible name: the region and its status in words.
    pub fn title(&self) -> String {
        format!(
            "{}: {} ({})",
            self.name,
            self.status.label(),
            self.status.meaning()
        )
    }
}

/// The width and height of a territory inset.
pub const INSET_SIZE: (u32, u32) = (88, 40);

/// Places every region on the map with its status; regions without a status are gaps.
///
/// A region whose FIPS code has no outline (a territory) becomes an inset; insets are laid
/// out in catalog order along the bottom row.
pub fn layout(regions: &[Region], statuses: &HashMap<i64, Status>) -> Vec<MapRegion> {
    let mut insets = 0;
    let mut placed: Vec<MapRegion> = regions
        .iter()
        .map(|region| {
            let status = statuses.get(&region.id).copied().unwrap_or(Status::Gap);
            let outline = OUTLINES.iter().find(|o| o.fips == region.fips);
            let geometry = match outline {
                Some(o) => Geometry::Outline {
                    d: o.d,
                    label: (o.area >= LABEL_MIN_AREA).then_some((o.label_x, o.label_y)),
                },
                None => {
                    insets += 1;
                    Geometry::Inset { x: 0, y: 0 }
                }
            };
            MapRegion {
                code: region.code.clone(),
                name: region.name.clone(),
                status,
                geometry,
            }
        })
        .collect();

    // Insets follow the regions' FIPS order so the row reads the same on every page.
    let mut inset_regions: Vec<&mut MapRegion> = placed
        .iter_mut()
        .filter(|r| matches!(r.geometry, Geometry::Inset { .. }))
        .collect();
    inset_regions.sort_by(|a, b| a.code.cmp(&b.code));
    let row_start = 975 - insets * (INSET_SIZE.0 + 8);
    for (index, region) in inset_regions.into_iter().enumerate() {
        let x = row_start + index as u32 * (INSET_SIZE.0 + 8);
        region.geometry = Geometry::Inset { x, y: 628 };
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::catalog::{RegionKind, REGIONS};

    fn regions() -> Vec<Region> {
        REGIONS
            .iter()
            .enumerate()
            .map(|(i, r)| Region {
                id: i as i64 + 1,
                code: r.code.into(),
                name: r.name.into(),
                kind: String::new(),
                fips: r.fips.into(),
                division_id: 1,
                division_name: String::new(),
                time_zones: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_generated_data_has_an_outline_for_every_state_and_dc() {
        let with_outline: Vec<&str> = REGIONS
            .iter()
            .filter(|r| r.kind != RegionKind::Territory)
            .filter(|r| OUTLINES.iter().any(|o| o.fips == r.fips))
            .map(|r| r.code)
            .collect();
        assert_eq!(OUTLINES.len(), 51);
        assert_eq!(with_outline.len(), 51);
        assert!(OUTLINES
            .iter()
            .all(|o| o.d.starts_with('M') && o.d.ends_with('z')));
    }

    #[test]
    fn territories_become_insets_inside_the_frame_and_states_outlines() {
        let statuses = HashMap::from([(1, Status::Covered)]);
        let map = layout(&regions(), &statuses);
        let insets: Vec<&MapRegion> = map
            .iter()
            .filter(|r| matches!(r.geometry, Geometry::Inset { .. }))
            .collect();
        assert_eq!(insets.len(), 5);
        for inset in insets {
            let Geometry::Inset { x, y } = inset.geometry else {
                unreachable!()
            };
            assert!(
                x + INSET_SIZE.0 <= 975 && y + INSET_SIZE.1 <= 680,
                "{}",
                inset.code
            );
        }
        assert_eq!(map[0].status, Status::Covered);
        assert_eq!(map[1].status, Status::Gap, "no status reads as a gap");
    }

    #[test]
    fn titles_say_the_status_in_words() {
        let map = layout(&regions()[..1], &HashMap::from([(1, Status::Thin)]));
        assert_eq!(
            map[0].title(),
            "Alabama: Thin (an active coordinator, but no lead or no backup)"
        );
        assert_eq!(map[0].href(), "/regions/AL");
    }
}
