//! The evaluation expert's workspace (评标专家).

use crate::projects::ProjectsPage;
use leptos::prelude::*;

#[component]
pub fn ExpertHome(reload: RwSignal<u32>) -> impl IntoView {
    view! { <ProjectsPage reload=reload /> }
}
