//! The witness expert's workspace (见证专家).

use crate::projects::ProjectsPage;
use leptos::prelude::*;

#[component]
pub fn WitnessHome(reload: RwSignal<u32>) -> impl IntoView {
    view! { <ProjectsPage reload=reload /> }
}
