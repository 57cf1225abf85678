//! The application shell: top bar with the platform status, then the page.

use crate::ipc;
use crate::projects::ProjectsPage;
use crate::status::PlatformStatus;
use leptos::prelude::*;
use std::time::Duration;

const HEALTH_POLL: Duration = Duration::from_secs(15);

#[component]
pub fn App() -> impl IntoView {
    let health = LocalResource::new(ipc::platform_health);
    let projects = LocalResource::new(ipc::list_projects);
    let retry = Callback::new(move |()| {
        health.refetch();
        projects.refetch();
    });
    // Notice a platform that comes or goes without the expert doing anything.
    set_interval(move || health.refetch(), HEALTH_POLL);

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="brand-mark">"评审"</span>
                <span class="brand-name">"Pingshen 远程异地评标客户端"</span>
            </div>
            <PlatformStatus health=health on_retry=retry />
        </header>
        <main class="page">
            <ProjectsPage projects=projects on_retry=retry />
        </main>
    }
}
