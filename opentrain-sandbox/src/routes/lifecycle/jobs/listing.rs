//! The public job object (`JobSummary`) the marketplace reads answer with: slug, HTML of the
//! description, company, category, pay and how long the listing stays valid.

use chrono::Duration;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{JobPay, JobSummary, PaymentType};

use crate::app::{App, State as AppState};
use crate::routes::lifecycle::{JobRec, parse};

/// How long a listing stays valid after it is posted (the docs' example shows 56 days).
const LISTING_DAYS: i64 = 56;

/// A URL slug of a title.
fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Minimal HTML of a plain-text description.
fn html_of(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<p>{escaped}</p>")
}

/// The company name shown for a job.
fn company_of(st: &AppState, job: &JobRec) -> Option<String> {
    job.company.clone().or_else(|| {
        st.account(&job.account_id)
            .map(|a| a.organization_name.clone())
    })
}

/// The listing category, derived from the job's data type (`Audio` -> `Audio Annotation`).
pub(super) fn category_of(job: &JobRec) -> Option<String> {
    job.text("dataType").map(|d| format!("{d} Annotation"))
}

/// The public job object.
pub(super) fn summary(
    app: &App,
    st: &AppState,
    job: &JobRec,
) -> Result<JobSummary, ConversionError> {
    let title = job.title();
    let slug = slugify(&title);
    let description = job.text("jobDescription").unwrap_or_default().to_owned();
    let posted = job.published_at;
    let label_types = job.strings("labelTypes");
    let pay = JobPay::try_from(
        JobPay::builder()
            .currency(Some("USD".to_owned()))
            .fixed_price(job.number("fixedPrice"))
            .hourly_rate(job.number("pricePerHour"))
            .payment_type(job.text("paymentType").map(PaymentType::from))
            .per_label_rate(job.number("pricePerLabel")),
    )?;
    JobSummary::try_from(
        JobSummary::builder()
            .apply_url(Some(
                app.url(&format!("/api/out?job={}&src=www_seo", job.id)),
            ))
            .category(category_of(job))
            .company_name(company_of(st, job))
            .countries(job.strings("countries"))
            .data_type(job.text("dataType").map(str::to_owned))
            .date_posted(posted)
            .description_html(Some(html_of(&description)))
            .description_text(Some(description))
            .employment_types(vec!["CONTRACTOR".to_owned()])
            .experience_level(job.text("experienceLevel").map(parse::experience_label))
            .id(job.id.clone())
            .label_types(label_types.clone())
            .labeling_software(job.text("labelingSoftware").map(str::to_owned))
            .languages(job.strings("languages"))
            .pay(Some(pay))
            .skills(label_types)
            .slug(Some(slug.clone()))
            .status(Some(job.status.clone()))
            .title(Some(title))
            .updated_at(Some(job.updated_at))
            .url(Some(app.url(&format!("/jobs/{slug}-{}", job.id))))
            .valid_through(posted.map(|p| p + Duration::days(LISTING_DAYS))),
    )
}

#[cfg(test)]
mod tests {
    use super::{html_of, slugify};

    #[test]
    fn slugify_lowercases_and_joins_words_with_single_hyphens() {
        assert_eq!(
            slugify("Spanish Sentiment Labeling — Social Media Posts"),
            "spanish-sentiment-labeling-social-media-posts"
        );
        assert_eq!(slugify("  --Audio QA!! "), "audio-qa");
        assert_eq!(slugify("日本語"), "");
    }

    #[test]
    fn html_of_escapes_markup_inside_one_paragraph() {
        assert_eq!(
            html_of("Tag <img> & rate"),
            "<p>Tag &lt;img&gt; &amp; rate</p>"
        );
    }
}
