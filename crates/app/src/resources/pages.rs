//! The library's reading and writing pages: search, a resource, its form, its file and its
//! versions.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::people::profile::{self, Topic};
use crate::people::topics::Stage;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::{MaybeViewer, Viewer};
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::markdown;
use crate::platform::web::pages::{render, render_invalid, Page};
use crate::resources::collections::{self, CollectionSummary};
use crate::resources::diff::{self, Line};
use crate::resources::files::{self, FileType, Refusal};
use crate::resources::form::{self, ResourceForm};
use crate::resources::model::{self, Audience, Format, Kind, License, Status, Visibility};
use crate::resources::noindex;
use crate::resources::search::{self, Facets, Filters, Hit};
use crate::resources::store::{self, Person, Rating, Resource, ReviewEntry, StoredFile};

/// A resource with the facts every page about it needs.
pub(crate) struct Loaded {
    /// The resource.
    pub resource: Resource,
    /// Its authors.
    pub authors: Vec<Person>,
    /// Whether the viewer is one of them.
    pub is_author: bool,
}

impl Loaded {
    /// Loads a resource, or answers not found.
    pub async fn load(state: &AppState, id: i64, viewer: Option<&Viewer>) -> AppResult<Loaded> {
        let resource = store::find(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let authors = store::authors(&state.db, id).await?;
        let is_author = viewer.is_some_and(|v| authors.iter().any(|a| a.id == v.person_id));
        Ok(Loaded {
            resource,
            authors,
            is_author,
        })
    }

    /// Whether the viewer may see the working copy.
    pub fn sees_copy(&self, viewer: Option<&Viewer>) -> bool {
        viewer.is_some_and(|v| policy::may_see_working_copy(v, self.is_author))
    }

    /// Refuses a viewer who may not edit; the resource stays invisible to those who may not
    /// even see its working copy.
    pub fn require_edit(&self, viewer: &Viewer) -> AppResult<()> {
        if policy::may_edit_resource(viewer, self.is_author) {
            Ok(())
        } else if self.sees_copy(Some(viewer)) || self.resource.is_live() {
            Err(AppError::Forbidden)
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// The content shown on a resource's page: a published version or the working copy.
pub struct Shown {
    /// 0 for the working copy, else the version number.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Link.
    pub url: String,
    /// File id.
    pub file_id: Option<i64>,
    /// License code.
    pub license: String,
    /// Visibility code.
    pub visibility: String,
    /// When it was published, for versions.
    pub published_at: Option<DateTime<Utc>>,
}

impl Shown {
    fn of_version(version: store::Version) -> Shown {
        Shown {
            number: version.number,
            title: version.title,
            summary: version.summary,
            body: version.body,
            url: version.url,
            file_id: version.file_id,
            license: version.license,
            visibility: version.visibility,
            published_at: Some(version.published_at),
        }
    }

    fn of_working_copy(resource: &Resource) -> Shown {
        Shown {
            number: 0,
            title: resource.title.clone(),
            summary: resource.summary.clone(),
            body: resource.body.clone(),
            url: resource.url.clone(),
            file_id: resource.file_id,
            license: resource.license.clone(),
            visibility: resource.visibility.clone(),
            published_at: None,
        }
    }

    fn members_only(&self) -> bool {
        self.visibility != Visibility::Public.code()
    }

    /// The text compared between versions: every field a reader sees, then the body.
    fn document(&self, file_name: &str) -> String {
        let license = License::parse(&self.license).map_or("", License::label);
        let visibility = Visibility::parse(&self.visibility).map_or("", Visibility::label);
        format!(
            "Title: {}\nSummary: {}\nLink: {}\nFile: {file_name}\nLicense: {license}\n\
             Visible to: {visibility}\n\n{}",
            self.title, self.summary, self.url, self.body
        )
    }
}

/// What a reader may see of a resource: the live version if they may read it, else the
/// working copy if they curate; otherwise the resource does not exist for them.
async fn shown_for(
    state: &AppState,
    loaded: &Loaded,
    viewer: Option<&Viewer>,
    want_copy: bool,
) -> AppResult<Shown> {
    let sees_copy = loaded.sees_copy(viewer);
    if sees_copy && (want_copy || !loaded.resource.is_live()) {
        return Ok(Shown::of_working_copy(&loaded.resource));
    }
    if loaded.resource.is_live() {
        let id = loaded.resource.id;
        let version = store::version(&state.db, id, loaded.resource.current_version)
            .await?
            .ok_or(AppError::NotFound)?;
        let shown = Shown::of_version(version);
        if policy::may_read_resource(viewer, shown.members_only()) {
            return Ok(shown);
        }
    }
    Err(AppError::NotFound)
}

/// A counter that could not be written costs a reader nothing: the page is still served.
/// (On SQLite a long burst of other writes, such as the digest, can keep the counter waiting
/// past the busy timeout.)
fn count(result: Result<(), sqlx::Error>, id: i64) {
    if let Err(error) = result {
        tracing::warn!(resource.id = id, %error, "resource counter not updated");
    }
}

fn topic_names(all: &[Topic], codes: &[String]) -> Vec<Topic> {
    all.iter()
        .filter(|t| codes.contains(&t.code))
        .cloned()
        .collect()
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

// The library -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/library.html")]
struct LibraryPage {
    page: Page,
    filters: Filters,
    topics: Vec<Topic>,
    hits: Vec<Hit>,
    total: i64,
    facets: Facets,
    current_page: i64,
    curator: bool,
}

impl LibraryPage {
    fn has_next(&self) -> bool {
        self.current_page * search::PAGE_SIZE < self.total && self.current_page < search::MAX_PAGE
    }

    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }

    fn formats(&self) -> &'static [Format] {
        Format::ALL
    }

    fn count(&self, facet: &str, code: &str) -> i64 {
        let counts = match facet {
            "topic" => &self.facets.topics,
            "stage" => &self.facets.stages,
            "audience" => &self.facets.audiences,
            _ => &self.facets.formats,
        };
        Facets::count(counts, code)
    }

    fn format_label(&self, code: &str) -> &'static str {
        Format::parse(code).map_or("", Format::label)
    }

    fn audience_label(&self, code: &str) -> &'static str {
        Audience::parse(code).map_or("", Audience::label)
    }
}

/// The library: full-text search with facets, newest first when nothing is typed.
pub async fn library(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
    Query(filters): Query<Filters>,
) -> AppResult<Response> {
    let results = search::search(&state.db, &filters, viewer.is_some()).await?;
    let topics = profile::list_topics(&state.db).await?;
    let curator = viewer.as_ref().is_some_and(policy::may_curate_resources);
    let signed_in = viewer.is_some();
    let current_page = filters.page();

    let response = render(&LibraryPage {
        page,
        filters,
        topics,
        hits: results.hits,
        total: results.total,
        facets: results.facets,
        current_page,
        curator,
    })?;
    Ok(if signed_in {
        noindex(response)
    } else {
        response
    })
}

// A resource --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/show.html")]
struct ShowPage {
    page: Page,
    resource: Resource,
    shown: Shown,
    body_html: String,
    file: Option<StoredFile>,
    authors: Vec<Person>,
    topics: Vec<Topic>,
    stages: Vec<Stage>,
    my_rating: Option<bool>,
    curation: Option<Curation>,
}

/// What curators see beside a resource.
struct Curation {
    may_edit: bool,
    may_review: bool,
    due_soon: bool,
    missing: Option<&'static str>,
    reviews: Vec<ReviewEntry>,
    ratings: Vec<Rating>,
    collections: Vec<CollectionSummary>,
}

impl Curation {
    fn helpful(&self) -> usize {
        self.ratings.iter().filter(|r| r.helpful).count()
    }

    fn not_helpful(&self) -> usize {
        self.ratings.iter().filter(|r| !r.helpful).count()
    }
}

impl ShowPage {
    fn status(&self) -> Status {
        self.resource.status()
    }

    fn format_label(&self) -> &'static str {
        Format::parse(&self.resource.format).map_or("", Format::label)
    }

    fn audience_label(&self) -> &'static str {
        Audience::parse(&self.resource.audience).map_or("", Audience::label)
    }

    fn license(&self) -> Option<License> {
        License::parse(&self.shown.license)
    }

    fn members_only(&self) -> bool {
        self.shown.members_only()
    }

    fn file_label(&self) -> String {
        self.file.as_ref().map_or(String::new(), |f| {
            format!(
                "{}, {}",
                FileType::label_of(&f.content_type),
                human_size(f.size_bytes)
            )
        })
    }

    fn is_link(&self) -> bool {
        self.resource.kind() == Kind::Link
    }
}

/// Which copy a curator asks to see.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CopyQuery {
    /// `working` for the working copy instead of the published version.
    copy: String,
}

/// A resource: its published version for readers; for curators also its working copy,
/// curation history, review actions and ratings.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
    Query(query): Query<CopyQuery>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, viewer.as_ref()).await?;
    let shown = shown_for(&state, &loaded, viewer.as_ref(), query.copy == "working").await?;
    if shown.number > 0 {
        count(store::count_view(&state.db, id).await, id);
    }

    let file = match shown.file_id {
        Some(file_id) => store::file(&state.db, file_id).await?,
        None => None,
    };
    let all_topics = profile::list_topics(&state.db).await?;
    let topics = topic_names(&all_topics, &store::topic_codes(&state.db, id).await?);
    let stages = store::stages(&state.db, id).await?;
    let my_rating = match &viewer {
        Some(v) => store::rating_of(&state.db, id, v.person_id).await?,
        None => None,
    };
    let curation = match &viewer {
        Some(v) if loaded.sees_copy(Some(v)) => Some(curation_of(&state, &loaded, v).await?),
        _ => None,
    };
    let private = viewer.is_some() || shown.members_only();

    let body_html = markdown::render_safe(&shown.body);
    let response = render(&ShowPage {
        page,
        resource: loaded.resource,
        shown,
        body_html,
        file,
        authors: loaded.authors,
        topics,
        stages,
        my_rating,
        curation,
    })?;
    Ok(if private { noindex(response) } else { response })
}

async fn curation_of(state: &AppState, loaded: &Loaded, viewer: &Viewer) -> AppResult<Curation> {
    let resource = &loaded.resource;
    let id = resource.id;
    Ok(Curation {
        may_edit: policy::may_edit_resource(viewer, loaded.is_author),
        may_review: policy::may_review_resource(viewer, loaded.is_author),
        due_soon: resource.is_live() && model::is_due_soon(resource.review_due_at, now()),
        missing: model::missing_for_review(
            resource.kind(),
            &resource.body,
            &resource.url,
            resource.file_id.is_some(),
        ),
        reviews: store::reviews(&state.db, id).await?,
        ratings: store::ratings(&state.db, id).await?,
        collections: if policy::may_curate_resources(viewer) {
            collections::list_all(&state.db).await?
        } else {
            Vec::new()
        },
    })
}

// The resource form ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/form.html")]
struct FormPage {
    page: Page,
    /// `None` for a new resource.
    resource: Option<Resource>,
    form: ResourceForm,
    topics: Vec<Topic>,
    errors: FieldErrors,
    file: Option<StoredFile>,
    upload_error: String,
}

impl FormPage {
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }

    fn formats(&self) -> &'static [Format] {
        Format::ALL
    }

    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }

    fn licenses(&self) -> &'static [License] {
        License::ALL
    }

    fn visibilities(&self) -> &'static [Visibility] {
        Visibility::ALL
    }

    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    fn action(&self) -> String {
        match &self.resource {
            Some(resource) => format!("/resources/{}/edit", resource.id),
            None => "/resources/new".to_owned(),
        }
    }

    fn max_file_mb(&self) -> usize {
        files::MAX_FILE_BYTES / (1024 * 1024)
    }

    fn file_name(&self) -> String {
        self.file
            .as_ref()
            .map_or(String::new(), |f| f.original_name.clone())
    }
}

fn require_curator(viewer: &Viewer) -> AppResult<()> {
    if policy::may_curate_resources(viewer) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The form for a new resource.
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    require_curator(&viewer)?;
    let topics = profile::list_topics(&state.db).await?;
    render(&FormPage {
        page,
        resource: None,
        form: ResourceForm::new_resource(),
        topics,
        errors: FieldErrors::new(),
        file: None,
        upload_error: String::new(),
    })
}

/// Creates a draft, or shows the form again with its problems.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require_curator(&viewer)?;
    let form = ResourceForm::from_pairs(pairs);
    let topics = profile::list_topics(&state.db).await?;
    let curators = named_curators(&state, &form).await?;

    match form::validate(&form, &topics, &curators) {
        Ok(valid) => {
            let id = store::create(&state.db, viewer.person_id, &valid).await?;
            Ok(redirect_with(
                &format!("/resources/{id}/edit"),
                Flash::Saved,
            ))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "resource refused");
            render_invalid(&FormPage {
                page,
                resource: None,
                form,
                topics,
                errors,
                file: None,
                upload_error: String::new(),
            })
        }
    }
}

/// The curators among the co-authors typed in a form.
async fn named_curators(state: &AppState, form: &ResourceForm) -> AppResult<Vec<(String, i64)>> {
    let emails = form::co_author_emails(&form.co_authors);
    if emails.len() > form::MAX_CO_AUTHORS {
        // Too many to look up; validation says so at the field.
        return Ok(Vec::new());
    }
    Ok(store::curators_by_email(&state.db, &emails).await?)
}

fn form_of(
    state_topics: &[String],
    stages: &[Stage],
    co_authors: &[String],
    resource: &Resource,
) -> ResourceForm {
    ResourceForm {
        kind: resource.kind.clone(),
        title: resource.title.clone(),
        summary: resource.summary.clone(),
        body: resource.body.clone(),
        url: resource.url.clone(),
        audience: resource.audience.clone(),
        format: resource.format.clone(),
        license: resource.license.clone(),
        visibility: resource.visibility.clone(),
        topics: state_topics.to_vec(),
        stages: stages.iter().map(|s| s.code().to_owned()).collect(),
        co_authors: co_authors.join(", "),
    }
}

/// The edit page of a resource, with its form filled from the working copy and, for files,
/// the upload form; `upload_error` is shown beside the file field.
async fn edit_page(
    state: &AppState,
    page: Page,
    loaded: Loaded,
    upload_error: String,
) -> AppResult<Response> {
    let id = loaded.resource.id;
    let codes = store::topic_codes(&state.db, id).await?;
    let stages = store::stages(&state.db, id).await?;
    let co_authors = store::co_author_emails(&state.db, &loaded.resource).await?;
    let form = form_of(&codes, &stages, &co_authors, &loaded.resource);
    let file = match loaded.resource.file_id {
        Some(file_id) => store::file(&state.db, file_id).await?,
        None => None,
    };
    let failed = !upload_error.is_empty();
    let template = FormPage {
        page,
        resource: Some(loaded.resource),
        form,
        topics: profile::list_topics(&state.db).await?,
        errors: FieldErrors::new(),
        file,
        upload_error,
    };
    let response = if failed {
        render_invalid(&template)?
    } else {
        render(&template)?
    };
    Ok(noindex(response))
}

/// The form of an existing resource, for its authors.
pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    if loaded.resource.status() == Status::Archived {
        return Err(AppError::NotFound);
    }
    edit_page(&state, page, loaded, String::new()).await
}

/// Saves the working copy, which becomes a draft again; the published version stays as it
/// is until a reviewer approves the revision.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    let form = ResourceForm::from_pairs(pairs);
    let topics = profile::list_topics(&state.db).await?;
    let curators = named_curators(&state, &form).await?;

    match form::validate(&form, &topics, &curators) {
        Ok(valid) => {
            if !store::update(&state.db, id, &valid).await? {
                return Err(AppError::NotFound);
            }
            Ok(redirect_with(
                &format!("/resources/{id}?copy=working"),
                Flash::Saved,
            ))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "resource edit refused");
            let file = match loaded.resource.file_id {
                Some(file_id) => store::file(&state.db, file_id).await?,
                None => None,
            };
            render_invalid(&FormPage {
                page,
                resource: Some(loaded.resource),
                form,
                topics,
                errors,
                file,
                upload_error: String::new(),
            })
        }
    }
}

// Files -------------------------------------------------------------------------------------

/// Takes the uploaded file of a resource: checks its name, size and content, stores it
/// under a generated name and makes it the working copy's file.
pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("expected a file upload"))?;

    let checked = match read_upload(multipart).await {
        Ok((name, bytes)) => files::check(&name, bytes),
        Err(refusal) => Err(refusal),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(refusal) => {
            tracing::debug!(resource.id = id, ?refusal, "upload refused");
            return edit_page(&state, page, loaded, refusal.to_string()).await;
        }
    };

    let stored_name = files::store(&state.config.data_dir, &checked.bytes)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !store::attach_file(&state.db, id, viewer.person_id, &stored_name, &checked).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with(
        &format!("/resources/{id}/edit"),
        Flash::Saved,
    ))
}

/// Reads the `file` field of an upload, stopping as soon as it passes the size limit.
async fn read_upload(mut multipart: Multipart) -> Result<(String, Vec<u8>), Refusal> {
    let too_large = |error: axum::extract::multipart::MultipartError| {
        if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::TooLarge
        } else {
            Refusal::Empty
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(too_large)? {
            if bytes.len() + chunk.len() > files::MAX_FILE_BYTES {
                return Err(Refusal::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(Refusal::Empty)
}

/// Sends a resource's file as an attachment: the published version's to readers, the
/// working copy's to curators who ask for it.
pub async fn download(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
    Query(query): Query<CopyQuery>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, viewer.as_ref()).await?;
    let shown = shown_for(&state, &loaded, viewer.as_ref(), query.copy == "working").await?;
    let file_id = shown.file_id.ok_or(AppError::NotFound)?;
    let file = store::file(&state.db, file_id)
        .await?
        .ok_or(AppError::NotFound)?;

    let bytes = files::read(&state.config.data_dir, &file.stored_name)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if shown.number > 0 {
        count(store::count_download(&state.db, id).await, id);
    }
    let headers = [
        (header::CONTENT_TYPE, file.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            files::attachment_disposition(&file.original_name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    let response = (headers, bytes).into_response();
    Ok(if viewer.is_some() || shown.members_only() {
        noindex(response)
    } else {
        response
    })
}

// Versions ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/versions.html")]
struct VersionsPage {
    page: Page,
    resource: Resource,
    title: String,
    versions: Vec<store::Version>,
    from_label: String,
    to_label: String,
    lines: Vec<Line>,
    changed: bool,
    sees_copy: bool,
}

/// Which two versions to compare: numbers, or `working` for the working copy.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Compare {
    from: Option<i64>,
    to: String,
}

/// The versions of a resource and the line differences between two of them: by default the
/// two newest, or for curators the published version and the working copy.
pub async fn versions(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
    Query(compare): Query<Compare>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, viewer.as_ref()).await?;
    let shown = shown_for(&state, &loaded, viewer.as_ref(), false).await?;
    let sees_copy = loaded.sees_copy(viewer.as_ref());
    let members = viewer.is_some();
    let all = store::versions(&state.db, id).await?;
    // Visitors see only the versions that were public when published.
    let versions: Vec<store::Version> = all
        .into_iter()
        .filter(|v| policy::may_read_resource(viewer.as_ref(), v.visibility != "public"))
        .collect();

    let pending_revision = sees_copy && loaded.resource.status() != Status::Published;
    let to_working =
        sees_copy && (compare.to == "working" || (compare.to.is_empty() && pending_revision));
    let newer = if to_working {
        Some(Shown::of_working_copy(&loaded.resource))
    } else {
        let wanted = compare.to.parse::<i64>().ok();
        versions
            .iter()
            .find(|v| wanted.is_none_or(|n| v.number == n))
            .cloned()
            .map(Shown::of_version)
    };
    let newer = newer.ok_or(AppError::NotFound)?;
    let older_number = compare.from.unwrap_or(if newer.number == 0 {
        loaded.resource.current_version
    } else {
        newer.number - 1
    });
    let older = versions
        .iter()
        .find(|v| v.number == older_number)
        .cloned()
        .map(Shown::of_version);

    let old_text = match &older {
        Some(o) => o.document(&file_name(&state, o.file_id).await?),
        None => String::new(),
    };
    let new_text = newer.document(&file_name(&state, newer.file_id).await?);
    let lines = diff::diff_lines(&old_text, &new_text);
    let changed = diff::has_changes(&lines);
    let label = |s: &Shown| {
        if s.number == 0 {
            "the working copy".to_owned()
        } else {
            format!("version {}", s.number)
        }
    };
    let from_label = older
        .as_ref()
        .map_or("nothing (the first version)".to_owned(), label);
    let to_label = label(&newer);
    let private = members || shown.members_only();

    let response = render(&VersionsPage {
        page,
        title: shown.title,
        resource: loaded.resource,
        versions,
        from_label,
        to_label,
        lines,
        changed,
        sees_copy,
    })?;
    Ok(if private { noindex(response) } else { response })
}

async fn file_name(state: &AppState, file_id: Option<i64>) -> AppResult<String> {
    Ok(match file_id {
        Some(id) => store::file(&state.db, id)
            .await?
            .map(|f| f.original_name)
            .unwrap_or_default(),
        None => String::new(),
    })
}
