//! The surveys' section of the mentorship dashboards: how many of the people each survey
//! asked answered it, and the mean answer to each question on a 1-to-5 or 0-to-10 scale.
//!
//! A mean shows only where the survey's results page would show that question: where at
//! least five people answered it ([`results::may_show`], the one rule). Nationally the
//! surveys of a kind are added up, each counting for a question only where its own results
//! show it: a national mean that took in a hidden survey would give that survey's few answers
//! away to an admin who subtracts the others, whose results they can all read.

use crate::mentorships::dashboard::{BarChart, Row};
use crate::platform::db::Db;
use crate::surveys::builtin::TEMPLATES;
use crate::surveys::question::QuestionKind;
use crate::surveys::results::{self, MIN_GROUP};
use crate::surveys::store::{self, percent, NumberedTotal, ResponseRate, SurveyRow};

/// The survey charts of a cycle's dashboard: the response rate of every survey sent, then
/// the mean answers of each, oldest survey first. None before the first survey is sent.
pub async fn cycle_charts(db: &Db, cycle_id: i64) -> Result<Vec<BarChart>, sqlx::Error> {
    let mut surveys = store::of_cycle(db, cycle_id).await?;
    surveys.reverse();
    let totals = store::numbered_totals(db, Some(cycle_id)).await?;
    Ok(cycle_section(&surveys, &totals))
}

/// The survey charts of the national dashboard: the response rate of each kind of survey
/// over every cycle, then the mean answers of each kind.
pub async fn national_charts(db: &Db) -> Result<Vec<BarChart>, sqlx::Error> {
    let mut kinds = store::cycle_response_summary(db, None, None).await?;
    kinds.sort_by_key(|kind| {
        TEMPLATES
            .iter()
            .position(|t| t.code == kind.kind)
            .unwrap_or(TEMPLATES.len())
    });
    let totals = store::numbered_totals(db, None).await?;
    Ok(national_section(&kinds, &totals))
}

/// How many of the people something asked answered it.
struct Rate {
    label: String,
    asked: i64,
    answered: i64,
}

/// The answers to one numbered question, over one survey or several.
struct Mean {
    position: i64,
    prompt: String,
    kind: QuestionKind,
    answered: i64,
    total: i64,
}

impl Mean {
    fn of(total: &NumberedTotal) -> Mean {
        Mean {
            position: total.position,
            prompt: total.prompt.clone(),
            kind: total.kind(),
            answered: total.answered,
            total: total.total,
        }
    }
}

const RATES_DESC: &str = "The share of the people each survey asked who answered it.";
const MEANS_DESC: &str = "The mean answer to each question on a scale, where at least five \
     people answered it, as on the survey's results page; each bar runs from the scale's \
     lowest answer to its highest.";

fn cycle_section(surveys: &[SurveyRow], totals: &[NumberedTotal]) -> Vec<BarChart> {
    if surveys.is_empty() {
        return Vec::new();
    }
    let name = |survey: &SurveyRow| {
        format!(
            "{}, opened {}",
            survey.title,
            survey.opens_at.format("%B %-d, %Y")
        )
    };
    let rates = surveys
        .iter()
        .map(|survey| Rate {
            label: name(survey),
            asked: survey.asked,
            answered: survey.answered,
        })
        .collect();
    let mut charts = vec![rates_chart(RATES_DESC, rates)];

    for survey in surveys {
        let means: Vec<Mean> = totals
            .iter()
            .filter(|t| t.survey_id == survey.id)
            .map(Mean::of)
            .collect();
        if !means.is_empty() {
            let id = format!("survey-{}", survey.id);
            let title = format!("{}: mean answers", name(survey));
            charts.push(means_chart(&id, &title, MEANS_DESC, &means));
        }
    }
    charts
}

fn national_section(kinds: &[ResponseRate], totals: &[NumberedTotal]) -> Vec<BarChart> {
    if kinds.is_empty() {
        return Vec::new();
    }
    let rates = kinds
        .iter()
        .map(|kind| Rate {
            label: format!("{} ({} sent)", kind.title(), kind.surveys),
            asked: kind.asked,
            answered: kind.answered,
        })
        .collect();
    let desc = "The share of the people asked who answered, over every survey of each kind.";
    let mut charts = vec![rates_chart(desc, rates)];

    let desc = "The mean answer to each question on a scale, over every survey of this kind. \
         A survey counts for a question only where at least five people answered it, as on \
         its results page; each bar runs from the scale's lowest answer to its highest.";
    for kind in kinds {
        let of_kind: Vec<&NumberedTotal> =
            totals.iter().filter(|t| t.template == kind.kind).collect();
        let means = added_up(&of_kind);
        if !means.is_empty() {
            let id = format!("survey-kind-{}", kind.kind);
            let title = format!("{}: mean answers", kind.title());
            charts.push(means_chart(&id, &title, desc, &means));
        }
    }
    charts
}

/// The means of one kind of survey over all its surveys, one per question (its place and
/// wording: a reworded template asks a new question). A survey's answers count for a
/// question only where they may be shown on their own.
fn added_up(totals: &[&NumberedTotal]) -> Vec<Mean> {
    let mut means: Vec<Mean> = Vec::new();
    for total in totals {
        let same = |m: &Mean| m.position == total.position && m.prompt == total.prompt;
        let index = match means.iter().position(same) {
            Some(index) => index,
            None => {
                means.push(Mean {
                    answered: 0,
                    total: 0,
                    ..Mean::of(total)
                });
                means.len() - 1
            }
        };
        if results::may_show(total.answered) {
            means[index].answered += total.answered;
            means[index].total += total.total;
        }
    }
    means.sort_by_key(|m| m.position);
    means
}

fn rates_chart(desc: &str, rates: Vec<Rate>) -> BarChart {
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let rows = rates
        .into_iter()
        .map(|rate| {
            let share = percent(rate.answered, rate.asked);
            Row {
                caption: format!("{share}% ({} of {})", rate.answered, rate.asked),
                value: share.to_string(),
                part: count(rate.answered),
                whole: count(rate.asked),
                more: vec![rate.asked.to_string(), rate.answered.to_string()],
                label: rate.label,
            }
        })
        .collect();
    BarChart::of_rows(
        "survey-rates",
        "Survey response rates",
        desc.to_owned(),
        "Response rate (percent)",
        vec!["Asked", "Answered"],
        rows,
        true,
    )
}

fn means_chart(id: &str, title: &str, desc: &str, means: &[Mean]) -> BarChart {
    let rows = means.iter().map(mean_row).collect();
    BarChart::of_rows(
        id,
        title,
        desc.to_owned(),
        "Mean",
        vec!["Answered"],
        rows,
        true,
    )
}

fn mean_row(mean: &Mean) -> Row {
    let (low, high) = mean.kind.range().unwrap_or((0, 0));
    let label = format!("{} ({low} to {high})", mean.prompt);
    if !results::may_show(mean.answered) {
        let hidden = format!("hidden: fewer than {MIN_GROUP} answers");
        return Row {
            label,
            value: hidden.clone(),
            caption: hidden,
            part: 0,
            whole: 1,
            more: vec![format!("fewer than {MIN_GROUP}")],
        };
    }

    let value = results::mean_text(mean.total, mean.answered);
    let above_lowest = results::mean_tenths(mean.total, mean.answered) - low * 10;
    Row {
        label,
        caption: format!("{value} of {high} ({} answered)", mean.answered),
        value,
        part: usize::try_from(above_lowest).unwrap_or(0),
        whole: usize::try_from((high - low) * 10).unwrap_or(0),
        more: vec![mean.answered.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(
        survey_id: i64,
        position: i64,
        kind: QuestionKind,
        answered: i64,
        sum: i64,
    ) -> NumberedTotal {
        NumberedTotal {
            survey_id,
            template: "mentee_end".into(),
            position,
            prompt: format!("Question {position}?"),
            kind: kind.code().into(),
            answered,
            total: sum,
        }
    }

    #[test]
    fn a_mean_shows_from_five_answers_and_is_hidden_below() {
        let four = Mean::of(&total(1, 2, QuestionKind::Scale, 4, 18));
        let five = Mean::of(&total(1, 2, QuestionKind::Scale, 5, 21));

        let hidden = mean_row(&four);
        let shown = mean_row(&five);

        assert_eq!(hidden.value, "hidden: fewer than 5 answers");
        assert_eq!(hidden.part, 0);
        assert!(!hidden.caption.contains("4.5"));
        assert_eq!(shown.value, "4.2");
        assert_eq!(shown.caption, "4.2 of 5 (5 answered)");
        assert_eq!(shown.label, "Question 2? (1 to 5)");
        assert_eq!(
            (shown.part, shown.whole),
            (32, 40),
            "4.2 is 3.2 of 4 steps up"
        );
    }

    #[test]
    fn a_zero_to_ten_mean_fills_from_zero() {
        let row = mean_row(&Mean::of(&total(1, 1, QuestionKind::ZeroToTen, 5, 40)));
        assert_eq!(row.caption, "8.0 of 10 (5 answered)");
        assert_eq!((row.part, row.whole), (80, 100));
    }

    #[test]
    fn nationally_a_survey_counts_only_where_its_own_results_show() {
        let shown = total(1, 1, QuestionKind::Scale, 5, 20);
        let hidden = total(2, 1, QuestionKind::Scale, 3, 3);
        let also_shown = total(3, 1, QuestionKind::Scale, 6, 30);

        let means = added_up(&[&shown, &hidden, &also_shown]);

        assert_eq!(means.len(), 1);
        assert_eq!((means[0].answered, means[0].total), (11, 50));
        let only_hidden = added_up(&[&hidden]);
        assert_eq!(only_hidden[0].answered, 0);
        assert!(mean_row(&only_hidden[0]).value.starts_with("hidden"));
    }

    #[test]
    fn a_reworded_question_is_a_new_question() {
        let old = total(1, 1, QuestionKind::Scale, 5, 20);
        let mut new = total(2, 1, QuestionKind::Scale, 5, 25);
        new.prompt = "Question 1, reworded?".into();

        let means = added_up(&[&old, &new]);

        assert_eq!(means.len(), 2);
    }

    #[test]
    fn response_rates_give_the_share_and_both_counts() {
        let chart = rates_chart(
            RATES_DESC,
            vec![Rate {
                label: "Mentee end".into(),
                asked: 6,
                answered: 4,
            }],
        );
        let bar = &chart.bars[0];
        assert_eq!(bar.value, "67");
        assert_eq!(bar.caption, "67% (4 of 6)");
        assert_eq!(bar.more, ["6", "4"]);
        assert_eq!(chart.more_units, ["Asked", "Answered"]);
    }

    #[test]
    fn no_survey_sent_means_no_survey_section() {
        assert!(cycle_section(&[], &[]).is_empty());
        assert!(national_section(&[], &[]).is_empty());
    }
}
