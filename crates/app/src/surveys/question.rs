//! Questions and the rules for their answers: what each kind accepts and the message a
//! person sees beside the question when an answer does not fit.

/// The most questions a survey holds; each has a fixed form field name (see [`field_name`]).
pub const MAX_QUESTIONS: usize = 20;

const FIELD_NAMES: [&str; MAX_QUESTIONS] = [
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15",
    "q16", "q17", "q18", "q19", "q20",
];

/// The longest free-text answer, in characters.
pub const MAX_TEXT: usize = 2000;

/// The form field of the question at a position (1-based); positions past the last field
/// share the last name, which [`MAX_QUESTIONS`] keeps from happening.
pub fn field_name(position: i64) -> &'static str {
    let index = usize::try_from(position.max(1) - 1).unwrap_or(0);
    FIELD_NAMES[index.min(MAX_QUESTIONS - 1)]
}

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// A whole number from 1 to 5 (a Likert scale).
    Scale,
    /// Exactly one of the listed choices.
    Single,
    /// Any number of the listed choices.
    Multiple,
    /// A whole number from 0 to 10 (how likely to recommend).
    ZeroToTen,
    /// Free text.
    Text,
}

impl QuestionKind {
    /// Every kind.
    pub const ALL: [QuestionKind; 5] = [
        QuestionKind::Scale,
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::ZeroToTen,
        QuestionKind::Text,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Scale => "scale",
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::ZeroToTen => "zero_to_ten",
            QuestionKind::Text => "text",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<QuestionKind> {
        QuestionKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    /// The range of a numbered kind.
    pub fn range(self) -> Option<(i64, i64)> {
        match self {
            QuestionKind::Scale => Some((1, 5)),
            QuestionKind::ZeroToTen => Some((0, 10)),
            _ => None,
        }
    }
}

/// A question as stored with its survey.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Question {
    /// Its id.
    pub id: i64,
    /// Its place in the survey, from 1.
    pub position: i64,
    /// The kind code (see [`QuestionKind`]).
    pub kind: String,
    /// What is asked.
    pub prompt: String,
    /// One choice per line; for numbered kinds, the words of the lowest and highest end.
    pub choices: String,
    /// Whether an answer is needed.
    pub required: bool,
}

impl Question {
    /// Its kind; an unknown stored code reads as free text, which accepts anything.
    pub fn kind(&self) -> QuestionKind {
        QuestionKind::parse(&self.kind).unwrap_or(QuestionKind::Text)
    }

    /// Its form field name.
    pub fn field(&self) -> &'static str {
        field_name(self.position)
    }

    /// The choices, in order; their index is what a form sends.
    pub fn choice_list(&self) -> Vec<&str> {
        self.choices.lines().filter(|c| !c.is_empty()).collect()
    }

    /// The numbers a numbered question offers, with the words at both ends.
    pub fn numbers(&self) -> Vec<(i64, &str)> {
        let Some((low, high)) = self.kind().range() else {
            return Vec::new();
        };
        let ends = self.choice_list();
        (low..=high)
            .map(|n| {
                let words = match (n == low, n == high) {
                    (true, _) => ends.first().copied().unwrap_or(""),
                    (_, true) => ends.get(1).copied().unwrap_or(""),
                    _ => "",
                };
                (n, words)
            })
            .collect()
    }

    /// Whether a numbered kind takes single-digit radio buttons (used by the template).
    pub fn is_numbered(&self) -> bool {
        self.kind().range().is_some()
    }

    /// Whether the question takes one choice.
    pub fn is_single(&self) -> bool {
        self.kind() == QuestionKind::Single
    }

    /// Whether the question takes several choices.
    pub fn is_multiple(&self) -> bool {
        self.kind() == QuestionKind::Multiple
    }

    /// Whether the question takes free text.
    pub fn is_text(&self) -> bool {
        self.kind() == QuestionKind::Text
    }
}

/// One stored answer: a number (a scale point or a choice's index) or a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A scale point, or the index of a choice.
    Number(i64),
    /// Free text, trimmed.
    Text(String),
}

/// Checks what was sent for one question. An empty result means "not answered", which is
/// fine for optional questions.
pub fn check_answer(question: &Question, sent: &[&str]) -> Result<Vec<Value>, String> {
    let sent: Vec<&str> = sent
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if sent.is_empty() {
        return if question.required {
            Err("This question needs an answer.".into())
        } else {
            Ok(Vec::new())
        };
    }

    let kind = question.kind();
    if kind != QuestionKind::Multiple && sent.len() > 1 {
        return Err("Choose one answer only.".into());
    }
    match kind {
        QuestionKind::Scale | QuestionKind::ZeroToTen => {
            let (low, high) = kind.range().unwrap_or((0, 0));
            match sent[0].parse::<i64>() {
                Ok(n) if (low..=high).contains(&n) => Ok(vec![Value::Number(n)]),
                _ => Err(format!("Choose a whole number from {low} to {high}.")),
            }
        }
        QuestionKind::Single | QuestionKind::Multiple => {
            let count = question.choice_list().len() as i64;
            let mut chosen = Vec::new();
            for value in sent {
                match value.parse::<i64>() {
                    Ok(n) if (0..count).contains(&n) => {
                        if !chosen.contains(&Value::Number(n)) {
                            chosen.push(Value::Number(n));
                        }
                    }
                    _ => return Err("Choose from the answers listed.".into()),
                }
            }
            Ok(chosen)
        }
        QuestionKind::Text => {
            let text = sent[0];
            if text.chars().count() > MAX_TEXT {
                Err(format!("Use at most {MAX_TEXT} characters."))
            } else if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                Err("Remove the control characters from this answer.".into())
            } else {
                Ok(vec![Value::Text(text.to_owned())])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind, required: bool) -> Question {
        Question {
            id: 1,
            position: 3,
            kind: kind.code().into(),
            prompt: "How is it going?".into(),
            choices: match kind {
                QuestionKind::Single | QuestionKind::Multiple => "Yes\nNo\nMaybe".into(),
                _ => "Not at all\nVery well".into(),
            },
            required,
        }
    }

    #[test]
    fn numbered_answers_must_fall_in_their_range() {
        let scale = question(QuestionKind::Scale, true);
        let ten = question(QuestionKind::ZeroToTen, true);
        let cases = [
            (&scale, "1", true),
            (&scale, "5", true),
            (&scale, "0", false),
            (&scale, "6", false),
            (&scale, "2.5", false),
            (&scale, "lots", false),
            (&ten, "0", true),
            (&ten, "10", true),
            (&ten, "11", false),
            (&ten, "-1", false),
        ];
        for (question, sent, ok) in cases {
            let result = check_answer(question, &[sent]);
            assert_eq!(result.is_ok(), ok, "{} {sent}", question.kind);
        }
        assert_eq!(
            check_answer(&scale, &["9"]).err().unwrap_or_default(),
            "Choose a whole number from 1 to 5."
        );
    }

    #[test]
    fn choices_are_read_by_index_and_unknown_ones_refused() {
        let single = question(QuestionKind::Single, true);
        let multiple = question(QuestionKind::Multiple, false);
        assert_eq!(check_answer(&single, &["2"]), Ok(vec![Value::Number(2)]));
        assert!(
            check_answer(&single, &["3"]).is_err(),
            "past the last choice"
        );
        assert!(
            check_answer(&single, &["0", "1"]).is_err(),
            "one answer only"
        );
        assert_eq!(
            check_answer(&multiple, &["0", "2", "0"]),
            Ok(vec![Value::Number(0), Value::Number(2)])
        );
        assert_eq!(
            check_answer(&multiple, &["0", "Other"])
                .err()
                .unwrap_or_default(),
            "Choose from the answers listed."
        );
    }

    #[test]
    fn required_questions_need_an_answer_and_optional_ones_may_stay_empty() {
        let required = question(QuestionKind::Text, true);
        let optional = question(QuestionKind::Text, false);
        assert_eq!(
            check_answer(&required, &["   "]).err().unwrap_or_default(),
            "This question needs an answer."
        );
        assert_eq!(check_answer(&optional, &[]), Ok(Vec::new()));
        assert_eq!(
            check_answer(&optional, &["  Good  "]),
            Ok(vec![Value::Text("Good".into())])
        );
        let long = "a".repeat(MAX_TEXT + 1);
        assert!(check_answer(&optional, &[&long]).is_err());
    }

    #[test]
    fn numbered_questions_name_their_ends() {
        let scale = question(QuestionKind::Scale, true);
        let numbers = scale.numbers();
        assert_eq!(numbers.len(), 5);
        assert_eq!(numbers[0], (1, "Not at all"));
        assert_eq!(numbers[2], (3, ""));
        assert_eq!(numbers[4], (5, "Very well"));
        assert_eq!(field_name(1), "q1");
        assert_eq!(field_name(20), "q20");
    }
}
