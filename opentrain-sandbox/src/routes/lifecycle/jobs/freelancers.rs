//! The masked public profile of a trainer and `GET /freelancers/{idOrSlug}`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::DateTime;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    FreelancerLabelExperience, FreelancerLanguage, FreelancerProfile, FreelancerProfileResponse,
    FreelancerReview, FreelancerSkills, FreelancerStats, Scope,
};

use crate::app::App;
use crate::errors::ApiError;
use crate::routes::lifecycle::Freelancer;
use crate::routes::ok;

/// The masked public profile of a trainer.
fn profile(app: &App, f: &Freelancer) -> Result<FreelancerProfile, ConversionError> {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let experience = FreelancerLabelExperience::try_from(
        FreelancerLabelExperience::builder()
            .data_type(f.data_types.first().map(|s| (*s).to_owned()))
            .description(Some(f.bio.to_owned()))
            .from_year(Some(2023))
            .id(Some(format!("exp_{}", f.slug)))
            .label_types(strings(f.label_types))
            .ongoing(Some(true))
            .title(Some(f.title.to_owned())),
    )?;
    let languages = f
        .languages
        .iter()
        .map(|(language, proficiency)| {
            FreelancerLanguage::try_from(
                FreelancerLanguage::builder()
                    .language(Some((*language).to_owned()))
                    .proficiency(Some((*proficiency).to_owned())),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let review = FreelancerReview::try_from(
        FreelancerReview::builder()
            .comment(Some("Fast, precise, great guideline questions.".to_owned()))
            .created_at(DateTime::from_timestamp(1_768_910_400, 0))
            .id(Some(format!("rev_{}", f.slug)))
            .rating(Some(f.rating.round())),
    )?;
    let skills = FreelancerSkills::try_from(
        FreelancerSkills::builder()
            .data_types(strings(f.data_types))
            .label_types(strings(f.label_types))
            .software(Vec::new())
            .subject_matter(Vec::new())
            .tags(strings(f.tags)),
    )?;
    let stats = FreelancerStats::try_from(
        FreelancerStats::builder()
            .average_rating(Some(f.rating))
            .billed_hours(Some((f.earned_usd / f.hourly_rate).round()))
            .job_success_score(Some(95.0))
            .review_count(Some(f.review_count))
            .total_earned_usd(Some(f.earned_usd)),
    )?;
    FreelancerProfile::try_from(
        FreelancerProfile::builder()
            .member_since(DateTime::from_timestamp(1_709_373_600, 0))
            .availability(Some(
                if f.available {
                    "FULL_TIME"
                } else {
                    "NOT_AVAILABLE"
                }
                .to_owned(),
            ))
            .bio(Some(f.bio.to_owned()))
            .city(Some(f.city.to_owned()))
            .country(Some(f.country.to_owned()))
            .country_code(Some(f.country_code.to_owned()))
            .display_name(Some(f.display_name()))
            .education(Vec::new())
            .english_level(
                f.languages
                    .iter()
                    .find(|(l, _)| *l == "English")
                    .map(|(_, level)| (*level).to_owned()),
            )
            .expertise_level(Some(
                if f.rating >= 4.8 {
                    "EXPERT"
                } else {
                    "INTERMEDIATE"
                }
                .to_owned(),
            ))
            .first_name(Some(f.first_name.to_owned()))
            .hourly_rate_usd(Some(f.hourly_rate))
            .id(f.id.to_owned())
            .identity_verified(Some(true))
            .label_experience(vec![experience])
            .languages(languages)
            .last_name_initial(Some(f.last_initial.to_owned()))
            .profile_path(Some(format!("/profile/{}", f.slug)))
            .profile_photo_url(Some(app.url(&format!("/photos/{}.jpg", f.slug))))
            .profile_slug(Some(f.slug.to_owned()))
            .reviews(vec![review])
            .skills(Some(skills))
            .stats(Some(stats))
            .talent_type(Some("Individual".to_owned()))
            .title(Some(f.title.to_owned()))
            .work_experience(Vec::new()),
    )
}

/// `GET /freelancers/{idOrSlug}` (`proposals:read`).
pub(crate) async fn freelancer(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id_or_slug): Path<String>,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::ProposalsRead)?;
    let f = st
        .market
        .freelancer(&id_or_slug)
        .ok_or_else(|| ApiError::not_found("freelancers", "No such AI trainer."))?;
    ok(&FreelancerProfileResponse::try_from(
        FreelancerProfileResponse::builder().freelancer(profile(&app, f)?),
    )?)
}
