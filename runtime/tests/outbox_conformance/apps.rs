//! Applications (`ApplicationStore`): tenants' isolation, uids, dedupe keys, messages,
//! erasure and keyed records, on every backend.

use hookwire::outbox::{
    AppId, ApplicationStore, DeliveryQuery, EventQuery, NewApplication, OutboxStore, RawEvent,
    Recorded, StoreError,
};

use super::{Backend, Case, claim, endpoint, record, response};

async fn app<S: ApplicationStore>(store: &S, name: &str, uid: &str) -> AppId {
    let new = NewApplication::new(name).uid(uid).metadata("plan", "pro");
    store.add_application(&new).await.unwrap().id
}

fn event_for(app: Option<AppId>, n: i64) -> RawEvent {
    let event = RawEvent::new("order.created", serde_json::json!({ "n": n })).unwrap();
    match app {
        Some(app) => event.app(app),
        None => event,
    }
}

/// An application's events reach only its endpoints; events of no application only endpoints
/// of none; publishing for an application that does not exist is refused.
pub(crate) async fn applications_isolate_their_events<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = app(store, "A", "merchant-a").await;
    let b = app(store, "B", "merchant-b").await;
    let to_a = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/a").app(a))
        .await
        .unwrap();
    let to_b = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/b").app(b))
        .await
        .unwrap();
    let single = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/single"))
        .await
        .unwrap();

    let ids = store
        .publish_raw(&[
            event_for(Some(a), 1),
            event_for(Some(b), 2),
            event_for(None, 3),
        ])
        .await
        .unwrap();
    let deliveries = store.deliveries(&DeliveryQuery::new(100)).await.unwrap();
    let mut seen: Vec<_> = deliveries
        .iter()
        .map(|d| (d.endpoint, d.event_id.clone()))
        .collect();
    seen.sort();
    let mut expected = vec![
        (to_a, ids[0].clone()),
        (to_b, ids[1].clone()),
        (single, ids[2].clone()),
    ];
    expected.sort();
    assert_eq!(seen, expected);

    let of_a = store.events(&EventQuery::new(10).app(a)).await.unwrap();
    assert_eq!(of_a.len(), 1);
    assert_eq!(
        (of_a[0].event_id.as_str(), of_a[0].app),
        (ids[0].as_str(), Some(a))
    );
    let of_none = store.events(&EventQuery::new(10)).await.unwrap();
    assert_eq!(of_none.len(), 1);
    assert_eq!(of_none[0].event_id, ids[2]);

    let missing = store.publish_raw(&[event_for(Some(AppId(9999)), 4)]).await;
    assert!(matches!(
        missing,
        Err(StoreError::NotFound {
            what: "application",
            ..
        })
    ));
    let orphan = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/x").app(AppId(9999)))
        .await;
    assert!(matches!(
        orphan,
        Err(StoreError::NotFound {
            what: "application",
            ..
        })
    ));
    assert_eq!(store.app_endpoints(a, None, 10).await.unwrap().len(), 1);
    assert_eq!(store.app_endpoints(a, None, 10).await.unwrap()[0].id, to_a);

    // An application's rate limit is the default of the endpoints added without one.
    let limited = store
        .add_application(&NewApplication::new("C").rate_limit(7))
        .await
        .unwrap()
        .id;
    let default = endpoint("http://127.0.0.1:9/c").app(limited);
    let id = store.add_endpoint(&default).await.unwrap();
    let own = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/c2")
                .app(limited)
                .rate_per_second(3),
        )
        .await
        .unwrap();
    let rate = |id| async move { store.endpoint(id).await.unwrap().unwrap().rate_per_second };
    assert_eq!(rate(id).await, Some(7));
    assert_eq!(rate(own).await, Some(3));
    assert_eq!(rate(to_b).await, None);
}

/// Applications: uids unique and checked, found by id and uid, updated, listed in pages.
pub(crate) async fn application_uids_and_updates<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = app(store, "A", "merchant-a").await;
    let taken = store
        .add_application(&NewApplication::new("A again").uid("merchant-a"))
        .await;
    assert!(matches!(
        taken,
        Err(StoreError::Conflict {
            what: "application",
            ..
        })
    ));
    let bad = store
        .add_application(&NewApplication::new("bad").uid("has space"))
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid { field: "uid", .. })));
    let plain = store
        .add_application(&NewApplication::new("No uid"))
        .await
        .unwrap();
    assert_eq!(plain.uid, None);

    let found = store
        .application_by_uid("merchant-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.name.as_str()), (a, "A"));
    assert_eq!(found.metadata["plan"], "pro");
    assert_eq!(found.created_at, super::T0);

    case.clock.advance(5);
    let renamed = store
        .update_application(
            a,
            &NewApplication::new("A Inc.")
                .uid("merchant-a2")
                .rate_limit(7),
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.rate_limit),
        ("A Inc.", Some(7))
    );
    assert_eq!(renamed.updated_at, super::T0 + 5);
    assert!(
        store
            .application_by_uid("merchant-a")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.application(a).await.unwrap().unwrap().uid.as_deref(),
        Some("merchant-a2")
    );
    let clash = store
        .update_application(plain.id, &NewApplication::new("x").uid("merchant-a2"))
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict { .. })));
    let missing = store
        .update_application(AppId(9999), &NewApplication::new("x"))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));

    let first = store.applications(None, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    let rest = store.applications(Some(first[0].id), 10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_ne!(rest[0].id, first[0].id);
}

/// Endpoints of an application: uids unique within it (not across), metadata and headers
/// kept, headers handed to the worker with each claim.
pub(crate) async fn endpoint_uids_and_headers<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = app(store, "A", "a").await;
    let b = app(store, "B", "b").await;
    let mut crm = endpoint("http://127.0.0.1:9/crm")
        .app(a)
        .uid("crm")
        .header("X-Tenant", "a");
    crm.metadata.insert("team".into(), "sales".into());
    let id = store.add_endpoint(&crm).await.unwrap();
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/crm").app(b).uid("crm"))
        .await
        .unwrap();
    let again = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/other").app(a).uid("crm"))
        .await;
    assert!(matches!(
        again,
        Err(StoreError::Conflict {
            what: "endpoint",
            ..
        })
    ));
    let reserved = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/x")
                .app(a)
                .header("webhook-id", "forged"),
        )
        .await;
    assert!(matches!(
        reserved,
        Err(StoreError::Invalid {
            field: "header",
            ..
        })
    ));

    let found = store.endpoint_by_uid(a, "crm").await.unwrap().unwrap();
    assert_eq!((found.id, found.app), (id, Some(a)));
    assert_eq!(found.metadata["team"], "sales");
    assert_eq!(found.headers["x-tenant"], "a");
    assert!(store.endpoint_by_uid(a, "nope").await.unwrap().is_none());

    case.clock.advance(3);
    let updated = crm.clone().uid("crm-2").header("x-more", "1");
    store.update_endpoint(id, &updated).await.unwrap();
    let now = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!((now.uid.as_deref(), now.app), (Some("crm-2"), Some(a)));
    assert_eq!(now.updated_at, super::T0 + 3);

    store.publish_raw(&[event_for(Some(a), 1)]).await.unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        claimed[0].target.headers.get("x-more").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        claimed[0]
            .target
            .headers
            .get("x-tenant")
            .map(String::as_str),
        Some("a")
    );
}

/// A dedupe key is used once per application: a batch repeating one publishes nothing; the
/// same key in another application is fine. A message's body is its payload as given.
pub(crate) async fn dedupe_keys_and_messages<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = app(store, "A", "a").await;
    let b = app(store, "B", "b").await;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/a").app(a))
        .await
        .unwrap();
    let payload = serde_json::json!({"invoice": "in_1", "amount": 5});
    let message = RawEvent::message("invoice.paid", payload.clone())
        .unwrap()
        .app(a)
        .dedupe_key("evt-1");
    let first = store
        .publish_raw(std::slice::from_ref(&message))
        .await
        .unwrap();
    let again = store
        .publish_raw(&[event_for(Some(a), 2), message.clone()])
        .await;
    assert!(matches!(
        again,
        Err(StoreError::Conflict { what: "event", .. })
    ));
    assert_eq!(
        store
            .events(&EventQuery::new(10).app(a))
            .await
            .unwrap()
            .len(),
        1
    );
    store
        .publish_raw(&[message.clone().app(b)])
        .await
        .expect("the same key in another application");

    let found = store
        .events(&EventQuery::new(10).app(a).dedupe_key("evt-1"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].event_id, first[0]);
    assert!(found[0].is_message);
    let body: serde_json::Value = serde_json::from_str(&found[0].payload).unwrap();
    assert_eq!(body, payload);
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].webhook_id, first[0]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&claimed[0].payload).unwrap(),
        payload
    );

    // Paging newest first.
    for n in 0..3 {
        store.publish_raw(&[event_for(Some(a), n)]).await.unwrap();
    }
    let page = store
        .events(&EventQuery::new(2).app(a).newest_first())
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert!(page[0].position > page[1].position);
    let next = store
        .events(
            &EventQuery::new(10)
                .app(a)
                .newest_first()
                .after(page[1].position),
        )
        .await
        .unwrap();
    assert_eq!(next.len(), 2);
    assert!(next[0].position < page[1].position);
}

/// Deleting an application erases its endpoints, events and their deliveries with their
/// attempt logs; a result in flight is refused as stale; other applications keep theirs.
pub(crate) async fn deleting_an_application_erases_it<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = app(store, "A", "a").await;
    let b = app(store, "B", "b").await;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/a").app(a))
        .await
        .unwrap();
    let keep = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/b").app(b))
        .await
        .unwrap();
    store
        .publish_raw(&[
            event_for(Some(a), 1),
            event_for(Some(a), 2),
            event_for(Some(b), 3),
        ])
        .await
        .unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 3);
    let of_a: Vec<_> = claimed.iter().filter(|c| c.target.id != keep).collect();
    assert!(record(store, of_a[0], response(500)).await.is_done());

    let erased = store.delete_application(a).await.unwrap();
    assert!(erased.existed);
    assert_eq!(
        (erased.endpoints, erased.events, erased.deliveries),
        (1, 2, 2)
    );
    assert_eq!(record(store, of_a[1], response(200)).await, Recorded::Stale);
    assert!(store.application(a).await.unwrap().is_none());
    assert!(store.app_endpoints(a, None, 10).await.unwrap().is_empty());
    assert!(
        store
            .events(&EventQuery::new(10).app(a))
            .await
            .unwrap()
            .is_empty()
    );
    let left = store.deliveries(&DeliveryQuery::new(10)).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].endpoint, keep);
    assert!(
        store
            .attempts(of_a[0].lease.delivery)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!store.delete_application(a).await.unwrap().existed);
}

/// Keyed records: insert once, replace, read, list in key order, delete one or by age.
pub(crate) async fn keyed_records<B: Backend>(case: Case<B>) {
    let store = &case.store;
    assert_eq!(
        store.insert_record("idem", "k1", "first").await.unwrap(),
        None
    );
    let existing = store
        .insert_record("idem", "k1", "second")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (existing.value.as_str(), existing.created_at),
        ("first", super::T0)
    );
    case.clock.advance(10);
    store.put_record("idem", "k2", "v2").await.unwrap();
    store
        .put_record("types", "k1", "other space")
        .await
        .unwrap();
    store.put_record("idem", "k1", "replaced").await.unwrap();
    let k1 = store.record_of("idem", "k1").await.unwrap().unwrap();
    assert_eq!((k1.value.as_str(), k1.created_at), ("replaced", super::T0));
    let listed = store.records("idem", None, 10).await.unwrap();
    let keys: Vec<_> = listed.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["k1", "k2"]);
    assert_eq!(
        store.records("idem", Some("k1"), 10).await.unwrap().len(),
        1
    );
    assert_eq!(
        store
            .delete_records("idem", None, super::T0 + 5)
            .await
            .unwrap(),
        1
    );
    assert!(store.record_of("idem", "k1").await.unwrap().is_none());
    assert_eq!(
        store.delete_records("idem", Some("k2"), 0).await.unwrap(),
        1
    );
    assert!(store.record_of("types", "k1").await.unwrap().is_some());
}
