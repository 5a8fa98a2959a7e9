//! Reference data for the network's geography: census divisions and the regions
//! (states, the District of Columbia and the inhabited territories) that belong to them.
//!
//! Time zones are IANA names. Each region lists every tz database zone that covers
//! part of it, the zone most of its people observe first.

/// A census division (or admin-defined grouping) that regions belong to by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DivisionSeed {
    /// Stable machine code, e.g. `"new_england"`.
    pub code: &'static str,
    /// Display name, e.g. `"New England"`.
    pub name: &'static str,
}

/// The nine US census divisions plus one grouping for the inhabited territories.
pub const DIVISIONS: &[DivisionSeed] = &[
    DivisionSeed {
        code: "new_england",
        name: "New England",
    },
    DivisionSeed {
        code: "middle_atlantic",
        name: "Middle Atlantic",
    },
    DivisionSeed {
        code: "east_north_central",
        name: "East North Central",
    },
    DivisionSeed {
        code: "west_north_central",
        name: "West North Central",
    },
    DivisionSeed {
        code: "south_atlantic",
        name: "South Atlantic",
    },
    DivisionSeed {
        code: "east_south_central",
        name: "East South Central",
    },
    DivisionSeed {
        code: "west_south_central",
        name: "West South Central",
    },
    DivisionSeed {
        code: "mountain",
        name: "Mountain",
    },
    DivisionSeed {
        code: "pacific",
        name: "Pacific",
    },
    DivisionSeed {
        code: "territories",
        name: "Territories",
    },
];

/// The legal kind of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// One of the 50 states.
    State,
    /// The District of Columbia.
    District,
    /// An inhabited US territory.
    Territory,
}

/// A region of the network: a state, the District of Columbia or a territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionSeed {
    /// USPS code, e.g. `"NY"`.
    pub code: &'static str,
    /// Display name, e.g. `"New York"`.
    pub name: &'static str,
    /// Whether this is a state, the district or a territory.
    pub kind: RegionKind,
    /// Two-digit FIPS code, e.g. `"36"`.
    pub fips: &'static str,
    /// Code of the division the region belongs to by default (see [`DIVISIONS`]).
    pub division: &'static str,
    /// IANA time zones covering the region, the primary first.
    pub time_zones: &'static [&'static str],
    /// Rough relative weight for demo data: an approximate count of librarians,
    /// proportional to the 2020 census population.
    pub librarians: u32,
}

/// All 50 states, DC, PR, GU, VI, AS and MP (56 regions), ordered by FIPS code.
pub const REGIONS: &[RegionSeed] = &[
    RegionSeed {
        code: "AL",
        name: "Alabama",
        kind: RegionKind::State,
        fips: "01",
        division: "east_south_central",
        time_zones: &["America/Chicago"],
        librarians: 2010,
    },
    RegionSeed {
        code: "AK",
        name: "Alaska",
        kind: RegionKind::State,
        fips: "02",
        division: "pacific",
        time_zones: &[
            "America/Anchorage",
            "America/Juneau",
            "America/Sitka",
            "America/Metlakatla",
            "America/Yakutat",
            "America/Nome",
            "America/Adak",
        ],
        librarians: 293,
    },
    RegionSeed {
        code: "AZ",
        name: "Arizona",
        kind: RegionKind::State,
        fips: "04",
        division: "mountain",
        time_zones: &["America/Phoenix", "America/Denver"],
        librarians: 2861,
    },
    RegionSeed {
        code: "AR",
        name: "Arkansas",
        kind: RegionKind::State,
        fips: "05",
        division: "west_south_central",
        time_zones: &["America/Chicago"],
        librarians: 1205,
    },
    RegionSeed {
        code: "CA",
        name: "California",
        kind: RegionKind::State,
        fips: "06",
        division: "pacific",
        time_zones: &["America/Los_Angeles"],
        librarians: 15815,
    },
    RegionSeed {
        code: "CO",
        name: "Colorado",
        kind: RegionKind::State,
        fips: "08",
        division: "mountain",
        time_zones: &["America/Denver"],
        librarians: 2310,
    },
    RegionSeed {
        code: "CT",
        name: "Connecticut",
        kind: RegionKind::State,
        fips: "09",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 1442,
    },
    RegionSeed {
        code: "DE",
        name: "Delaware",
        kind: RegionKind::State,
        fips: "10",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 396,
    },
    RegionSeed {
        code: "DC",
        name: "District of Columbia",
        kind: RegionKind::District,
        fips: "11",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 276,
    },
    RegionSeed {
        code: "FL",
        name: "Florida",
        kind: RegionKind::State,
        fips: "12",
        division: "south_atlantic",
        time_zones: &["America/New_York", "America/Chicago"],
        librarians: 8615,
    },
    RegionSeed {
        code: "GA",
        name: "Georgia",
        kind: RegionKind::State,
        fips: "13",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 4285,
    },
    RegionSeed {
        code: "HI",
        name: "Hawaii",
        kind: RegionKind::State,
        fips: "15",
        division: "pacific",
        time_zones: &["Pacific/Honolulu"],
        librarians: 582,
    },
    RegionSeed {
        code: "ID",
        name: "Idaho",
        kind: RegionKind::State,
        fips: "16",
        division: "mountain",
        time_zones: &["America/Boise", "America/Los_Angeles"],
        librarians: 736,
    },
    RegionSeed {
        code: "IL",
        name: "Illinois",
        kind: RegionKind::State,
        fips: "17",
        division: "east_north_central",
        time_zones: &["America/Chicago"],
        librarians: 5125,
    },
    RegionSeed {
        code: "IN",
        name: "Indiana",
        kind: RegionKind::State,
        fips: "18",
        division: "east_north_central",
        time_zones: &[
            "America/Indiana/Indianapolis",
            "America/Chicago",
            "America/Indiana/Knox",
            "America/Indiana/Tell_City",
            "America/Indiana/Vincennes",
            "America/Indiana/Winamac",
            "America/Indiana/Marengo",
            "America/Indiana/Petersburg",
            "America/Indiana/Vevay",
        ],
        librarians: 2714,
    },
    RegionSeed {
        code: "IA",
        name: "Iowa",
        kind: RegionKind::State,
        fips: "19",
        division: "west_north_central",
        time_zones: &["America/Chicago"],
        librarians: 1276,
    },
    RegionSeed {
        code: "KS",
        name: "Kansas",
        kind: RegionKind::State,
        fips: "20",
        division: "west_north_central",
        time_zones: &["America/Chicago", "America/Denver"],
        librarians: 1175,
    },
    RegionSeed {
        code: "KY",
        name: "Kentucky",
        kind: RegionKind::State,
        fips: "21",
        division: "east_south_central",
        time_zones: &[
            "America/New_York",
            "America/Kentucky/Louisville",
            "America/Kentucky/Monticello",
            "America/Chicago",
        ],
        librarians: 1802,
    },
    RegionSeed {
        code: "LA",
        name: "Louisiana",
        kind: RegionKind::State,
        fips: "22",
        division: "west_south_central",
        time_zones: &["America/Chicago"],
        librarians: 1863,
    },
    RegionSeed {
        code: "ME",
        name: "Maine",
        kind: RegionKind::State,
        fips: "23",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 545,
    },
    RegionSeed {
        code: "MD",
        name: "Maryland",
        kind: RegionKind::State,
        fips: "24",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 2471,
    },
    RegionSeed {
        code: "MA",
        name: "Massachusetts",
        kind: RegionKind::State,
        fips: "25",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 2812,
    },
    RegionSeed {
        code: "MI",
        name: "Michigan",
        kind: RegionKind::State,
        fips: "26",
        division: "east_north_central",
        time_zones: &["America/Detroit", "America/Menominee"],
        librarians: 4031,
    },
    RegionSeed {
        code: "MN",
        name: "Minnesota",
        kind: RegionKind::State,
        fips: "27",
        division: "west_north_central",
        time_zones: &["America/Chicago"],
        librarians: 2282,
    },
    RegionSeed {
        code: "MS",
        name: "Mississippi",
        kind: RegionKind::State,
        fips: "28",
        division: "east_south_central",
        time_zones: &["America/Chicago"],
        librarians: 1184,
    },
    RegionSeed {
        code: "MO",
        name: "Missouri",
        kind: RegionKind::State,
        fips: "29",
        division: "west_north_central",
        time_zones: &["America/Chicago"],
        librarians: 2462,
    },
    RegionSeed {
        code: "MT",
        name: "Montana",
        kind: RegionKind::State,
        fips: "30",
        division: "mountain",
        time_zones: &["America/Denver"],
        librarians: 434,
    },
    RegionSeed {
        code: "NE",
        name: "Nebraska",
        kind: RegionKind::State,
        fips: "31",
        division: "west_north_central",
        time_zones: &["America/Chicago", "America/Denver"],
        librarians: 785,
    },
    RegionSeed {
        code: "NV",
        name: "Nevada",
        kind: RegionKind::State,
        fips: "32",
        division: "mountain",
        time_zones: &["America/Los_Angeles", "America/Denver"],
        librarians: 1242,
    },
    RegionSeed {
        code: "NH",
        name: "New Hampshire",
        kind: RegionKind::State,
        fips: "33",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 551,
    },
    RegionSeed {
        code: "NJ",
        name: "New Jersey",
        kind: RegionKind::State,
        fips: "34",
        division: "middle_atlantic",
        time_zones: &["America/New_York"],
        librarians: 3716,
    },
    RegionSeed {
        code: "NM",
        name: "New Mexico",
        kind: RegionKind::State,
        fips: "35",
        division: "mountain",
        time_zones: &["America/Denver"],
        librarians: 847,
    },
    RegionSeed {
        code: "NY",
        name: "New York",
        kind: RegionKind::State,
        fips: "36",
        division: "middle_atlantic",
        time_zones: &["America/New_York"],
        librarians: 8080,
    },
    RegionSeed {
        code: "NC",
        name: "North Carolina",
        kind: RegionKind::State,
        fips: "37",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 4176,
    },
    RegionSeed {
        code: "ND",
        name: "North Dakota",
        kind: RegionKind::State,
        fips: "38",
        division: "west_north_central",
        time_zones: &[
            "America/Chicago",
            "America/Denver",
            "America/North_Dakota/Center",
            "America/North_Dakota/New_Salem",
            "America/North_Dakota/Beulah",
        ],
        librarians: 312,
    },
    RegionSeed {
        code: "OH",
        name: "Ohio",
        kind: RegionKind::State,
        fips: "39",
        division: "east_north_central",
        time_zones: &["America/New_York"],
        librarians: 4720,
    },
    RegionSeed {
        code: "OK",
        name: "Oklahoma",
        kind: RegionKind::State,
        fips: "40",
        division: "west_south_central",
        time_zones: &["America/Chicago"],
        librarians: 1584,
    },
    RegionSeed {
        code: "OR",
        name: "Oregon",
        kind: RegionKind::State,
        fips: "41",
        division: "pacific",
        time_zones: &["America/Los_Angeles", "America/Boise"],
        librarians: 1695,
    },
    RegionSeed {
        code: "PA",
        name: "Pennsylvania",
        kind: RegionKind::State,
        fips: "42",
        division: "middle_atlantic",
        time_zones: &["America/New_York"],
        librarians: 5201,
    },
    RegionSeed {
        code: "RI",
        name: "Rhode Island",
        kind: RegionKind::State,
        fips: "44",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 439,
    },
    RegionSeed {
        code: "SC",
        name: "South Carolina",
        kind: RegionKind::State,
        fips: "45",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 2047,
    },
    RegionSeed {
        code: "SD",
        name: "South Dakota",
        kind: RegionKind::State,
        fips: "46",
        division: "west_north_central",
        time_zones: &["America/Chicago", "America/Denver"],
        librarians: 355,
    },
    RegionSeed {
        code: "TN",
        name: "Tennessee",
        kind: RegionKind::State,
        fips: "47",
        division: "east_south_central",
        time_zones: &["America/Chicago", "America/New_York"],
        librarians: 2764,
    },
    RegionSeed {
        code: "TX",
        name: "Texas",
        kind: RegionKind::State,
        fips: "48",
        division: "west_south_central",
        time_zones: &["America/Chicago", "America/Denver"],
        librarians: 11658,
    },
    RegionSeed {
        code: "UT",
        name: "Utah",
        kind: RegionKind::State,
        fips: "49",
        division: "mountain",
        time_zones: &["America/Denver"],
        librarians: 1309,
    },
    RegionSeed {
        code: "VT",
        name: "Vermont",
        kind: RegionKind::State,
        fips: "50",
        division: "new_england",
        time_zones: &["America/New_York"],
        librarians: 257,
    },
    RegionSeed {
        code: "VA",
        name: "Virginia",
        kind: RegionKind::State,
        fips: "51",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 3452,
    },
    RegionSeed {
        code: "WA",
        name: "Washington",
        kind: RegionKind::State,
        fips: "53",
        division: "pacific",
        time_zones: &["America/Los_Angeles"],
        librarians: 3082,
    },
    RegionSeed {
        code: "WV",
        name: "West Virginia",
        kind: RegionKind::State,
        fips: "54",
        division: "south_atlantic",
        time_zones: &["America/New_York"],
        librarians: 718,
    },
    RegionSeed {
        code: "WI",
        name: "Wisconsin",
        kind: RegionKind::State,
        fips: "55",
        division: "east_north_central",
        time_zones: &["America/Chicago"],
        librarians: 2358,
    },
    RegionSeed {
        code: "WY",
        name: "Wyoming",
        kind: RegionKind::State,
        fips: "56",
        division: "mountain",
        time_zones: &["America/Denver"],
        librarians: 231,
    },
    RegionSeed {
        code: "AS",
        name: "American Samoa",
        kind: RegionKind::Territory,
        fips: "60",
        division: "territories",
        time_zones: &["Pacific/Pago_Pago"],
        librarians: 20,
    },
    RegionSeed {
        code: "GU",
        name: "Guam",
        kind: RegionKind::Territory,
        fips: "66",
        division: "territories",
        time_zones: &["Pacific/Guam"],
        librarians: 62,
    },
    RegionSeed {
        code: "MP",
        name: "Northern Mariana Islands",
        kind: RegionKind::Territory,
        fips: "69",
        division: "territories",
        time_zones: &["Pacific/Saipan"],
        librarians: 19,
    },
    RegionSeed {
        code: "PR",
        name: "Puerto Rico",
        kind: RegionKind::Territory,
        fips: "72",
        division: "territories",
        time_zones: &["America/Puerto_Rico"],
        librarians: 1314,
    },
    RegionSeed {
        code: "VI",
        name: "U.S. Virgin Islands",
        kind: RegionKind::Territory,
        fips: "78",
        division: "territories",
        time_zones: &["America/St_Thomas"],
        librarians: 35,
    },
];

/// Looks up a division by its code.
pub fn division(code: &str) -> Option<&'static DivisionSeed> {
    DIVISIONS.iter().find(|d| d.code == code)
}

/// Looks up a region by its USPS code, ignoring ASCII case.
pub fn region(code: &str) -> Option<&'static RegionSeed> {
    REGIONS.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn has_all_56_regions() {
        assert_eq!(REGIONS.len(), 56);
        let count = |kind| REGIONS.iter().filter(|r| r.kind == kind).count();
        assert_eq!(count(RegionKind::State), 50);
        assert_eq!(count(RegionKind::District), 1);
        assert_eq!(count(RegionKind::Territory), 5);
    }

    #[test]
    fn region_codes_and_fips_are_unique() {
        let codes: HashSet<_> = REGIONS.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), REGIONS.len());
        let fips: HashSet<_> = REGIONS.iter().map(|r| r.fips).collect();
        assert_eq!(fips.len(), REGIONS.len());
        for r in REGIONS {
            assert_eq!(r.code.len(), 2, "{}", r.code);
            assert!(r.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", r.code);
            assert_eq!(r.fips.len(), 2, "{}", r.code);
            assert!(r.fips.bytes().all(|b| b.is_ascii_digit()), "{}", r.code);
        }
    }

    #[test]
    fn division_codes_are_unique_and_all_used() {
        let codes: HashSet<_> = DIVISIONS.iter().map(|d| d.code).collect();
        assert_eq!(codes.len(), DIVISIONS.len());
        assert_eq!(DIVISIONS.len(), 10);
        for d in DIVISIONS {
            assert!(REGIONS.iter().any(|r| r.division == d.code), "{}", d.code);
        }
    }

    #[test]
    fn every_referenced_division_exists() {
        for r in REGIONS {
            assert!(
                division(r.division).is_some(),
                "{} -> {}",
                r.code,
                r.division
            );
        }
    }

    #[test]
    fn every_region_has_distinct_plausible_zones() {
        for r in REGIONS {
            assert!(!r.time_zones.is_empty(), "{}", r.code);
            let zones: HashSet<_> = r.time_zones.iter().collect();
            assert_eq!(zones.len(), r.time_zones.len(), "{}", r.code);
            for z in r.time_zones {
                assert!(
                    z.starts_with("America/") || z.starts_with("Pacific/"),
                    "{z}"
                );
                assert!(!z.contains(' '), "{z}");
            }
        }
    }

    #[test]
    fn territories_are_grouped_together() {
        for r in REGIONS {
            let in_territories = r.division == "territories";
            assert_eq!(
                in_territories,
                r.kind == RegionKind::Territory,
                "{}",
                r.code
            );
        }
    }

    #[test]
    fn lookups_work() {
        assert_eq!(region("ny").map(|r| r.fips), Some("36"));
        assert_eq!(
            region("IN").map(|r| r.time_zones[0]),
            Some("America/Indiana/Indianapolis")
        );
        assert!(region("ZZ").is_none());
        assert_eq!(division("pacific").map(|d| d.name), Some("Pacific"));
        assert!(REGIONS.iter().all(|r| r.librarians > 0));
    }
}
