//! The staff member's workspace (工作人员): projects, and each project's
//! evaluation rules (评标办法).

use crate::projects::ProjectsPage;
use leptos::prelude::*;

#[component]
pub fn StaffHome(reload: RwSignal<u32>) -> impl IntoView {
    view! { <ProjectsPage reload=reload /> }
}
