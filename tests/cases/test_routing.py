"""Learned routing: trained and cross-validated on an archive, hierarchical, gated by a
threshold that held 95% precision, and taught by the agents' corrections."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cases.repositories import routing_models
from cases.routing.archive import Archive
from cases.routing.learned import LearnedClassifier, load_top_level_map
from cases.routing.router import ActiveModel, Router, build_router
from cases.routing.training import (
    dispatch_threshold,
    store_model,
    train_routing_model,
    with_corrections,
)
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from foundation.errors import Conflict
from tests.conftest import SHARED_DATA_DIR, load_yaml

TIPDM_DIR = SHARED_DATA_DIR / "tipdm2020"
needs_tipdm = pytest.mark.skipif(
    not (TIPDM_DIR / "train.tsv").exists(), reason=f"no TipDM data in {TIPDM_DIR}"
)


def _tipdm(name: str) -> tuple[list[str], list[str]]:
    names = dict(
        line.split("\t")
        for line in (TIPDM_DIR / "labels.tsv").read_text().splitlines()[1:]
    )
    texts, labels = [], []
    for line in (TIPDM_DIR / name).read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        texts.append(text)
        labels.append(names[label])
    return texts, labels


def _complaints_archive() -> Archive:
    rows = load_yaml("complaints.yml")["complaints"]
    return Archive(
        [r["text"] for r in rows], [r["expect"] for r in rows], "category", "curated"
    )


def test_threshold_is_the_lowest_confidence_keeping_the_precision_target():
    confidences = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, True, False, False]
    assert dispatch_threshold(confidences, correct, 0.8) == (0.7, 5 / 6)
    assert dispatch_threshold(confidences, correct, 0.95) == (0.8, 4 / 6)


def test_threshold_when_nothing_is_precise_enough_dispatches_nothing():
    threshold, share = dispatch_threshold([0.9, 0.8], [False, True], 0.95)
    assert share == 0.0 and threshold > 1


def test_training_refuses_an_archive_too_small_to_cross_validate():
    archive = Archive(
        ["很吵", "很脏", "好吵"], ["noise", "other", "noise"], "category", "x"
    )
    with pytest.raises(ValueError, match="at least 5 messages"):
        train_routing_model(archive)


@pytest.fixture(scope="module")
def tipdm_trained():
    return train_routing_model(Archive(*_tipdm("train.tsv"), "top_level", "train.tsv"))


@needs_tipdm
def test_cross_validation_on_the_tipdm_titles_reports_honest_figures(tipdm_trained):
    cv = tipdm_trained.metrics["cross_validation"]
    assert cv["macro_f1"] >= 0.87
    assert set(cv["per_class_f1"]) == set(load_top_level_map().values())
    # The threshold dispatches most orders at 95% precision, not all of them.
    assert 0.3 < tipdm_trained.threshold < 1
    assert 0.5 < tipdm_trained.metrics["automatic_share"] < 1


@needs_tipdm
def test_automatic_dispatch_holds_its_precision_on_unseen_dev_titles(
    tipdm_trained, classifier
):
    router = Router(
        classifier,
        ActiveModel(
            "v1", "top_level", tipdm_trained.threshold, tipdm_trained.classifier
        ),
    )
    texts, labels = _tipdm("dev.tsv")
    routed = [router.route(text) for text in texts]
    automatic = [
        (r, label) for r, label in zip(routed, labels, strict=True) if r.automatic
    ]
    precision = sum(r.top_level == label for r, label in automatic) / len(automatic)
    assert precision >= 0.93
    assert len(automatic) / len(texts) >= 0.5
    top_level = load_top_level_map()
    for routing in routed:
        # Hierarchical: the fine category always lies within the learned top level.
        assert top_level[routing.category] == routing.top_level
        assert routing.model_version == "v1"
        assert len(routing.suggestions) == 3
        assert len({s.top_level for s in routing.suggestions}) == 3
        if routing.automatic:
            assert routing.confidence >= tipdm_trained.threshold


def test_curated_router_never_dispatches_on_its_own(router):
    routing = router.route("楼上半夜装修电钻声很吵")
    assert routing.category == "noise" and routing.top_level == "环境保护"
    assert not routing.automatic and routing.model_version is None


def test_a_model_of_category_codes_routes_to_its_own_fine_categories(classifier):
    trained = train_routing_model(_complaints_archive(), folds=3)
    router = Router(
        classifier, ActiveModel("codes", "category", 0.0, trained.classifier)
    )
    routing = router.route("隔壁工地凌晨还在打桩，吵得睡不着")
    assert routing.category == "noise"
    assert routing.top_level == "环境保护"
    assert routing.automatic


def test_confident_order_is_dispatched_automatically_with_model_and_method(
    session, classifier
):
    model = LearnedClassifier().fit(
        [r["text"] for r in load_yaml("complaints.yml")["complaints"]],
        [r["expect"] for r in load_yaml("complaints.yml")["complaints"]],
    )
    router = Router(classifier, ActiveModel("v-test", "category", 0.0, model))
    order = file_work_order(
        session, WorkOrderRequest(description="工地半夜打桩，噪音太大睡不着"), router
    )
    assert order.status == "dispatched"
    assert order.dispatch_method == "automatic"
    assert order.routing_model == "v-test"
    assert [u.status for u in order.updates] == ["registered", "dispatched"]


def test_agent_correction_is_kept_masked_and_a_second_dispatch_conflicts(
    session, router
):
    order = file_work_order(
        session,
        WorkOrderRequest(description="小区门口共享单车堆成山，电话13912345678"),
        router,
    )
    assert order.status == "registered" and order.dispatch_method is None
    assert len(order.routing_suggestions) >= 1
    target = "roads-municipal" if order.category.code != "roads-municipal" else "other"
    dispatch_work_order(session, order.number, target, "agent-li")
    assert order.dispatch_method == "agent-corrected"
    assert order.category.code == target and order.status == "dispatched"
    correction = routing_models.list_corrections(session)[-1]
    assert correction.category == target and "13912345678" not in correction.text
    with pytest.raises(Conflict):
        dispatch_work_order(session, order.number, target, "agent-wang")


def test_keeping_the_routed_category_confirms_it(session, router):
    order = file_work_order(
        session, WorkOrderRequest(description="楼上半夜装修电钻声很吵"), router
    )
    dispatch_work_order(session, order.number, order.category.code, "agent-li")
    assert order.dispatch_method == "agent-confirmed"
    assert all(
        c.work_order_id != order.id for c in routing_models.list_corrections(session)
    )


def test_repeated_corrections_change_the_next_prediction_after_retraining(session):
    archive = _complaints_archive()
    first = train_routing_model(archive, folds=3)
    store_model(session, first)
    active = build_router(session)
    assert active.model is not None and active.model.label_kind == "category"
    # Every order waits for an agent here, so each wrong one can be corrected.
    router = Router(active.curated, replace(active.model, threshold=float("inf")))
    unseen = "共享单车被乱扔在人行道上，挡住了盲道"
    before = router.route(unseen).category
    corrected_to = (
        "roads-municipal" if before != "roads-municipal" else "city-appearance"
    )
    similar = [
        "共享单车乱停在小区门口，出入都不方便",
        "地铁站出口共享单车堆满了人行道",
        "共享单车倒在盲道上没人管",
        "人行道上全是乱停的共享单车",
        "学校门口共享单车停得乱七八糟",
        "共享单车堵住了消防通道",
    ]
    for text in similar:
        order = file_work_order(session, WorkOrderRequest(description=text), router)
        if order.category.code != corrected_to:
            dispatch_work_order(session, order.number, corrected_to, "agent-li")
    corrections = [
        (c.text, c.category) for c in routing_models.list_corrections(session)
    ]
    assert len(corrections) >= 5
    second = train_routing_model(with_corrections(archive, corrections), folds=3)
    store_model(session, second)
    assert build_router(session).route(unseen).category == corrected_to


def test_activation_switches_every_process_through_the_catalogue_revision(session):
    from knowledge_base.repositories.catalogue_revision import current_revision

    trained = train_routing_model(_complaints_archive(), folds=3)
    kept = store_model(session, trained, activate=False)
    before = current_revision(session)
    assert build_router(session).model is None
    routing_models.activate(session, kept.version)
    assert current_revision(session) == before + 1
    assert build_router(session).model.version == kept.version
    routing_models.deactivate_all(session)
    assert build_router(session).model is None


def test_corrections_join_a_top_level_archive_by_their_top_level():
    archive = Archive(["路灯坏了"], ["城乡建设"], "top_level", "t")
    joined = with_corrections(archive, [("油烟太大", "pollution")])
    assert joined.labels == ["城乡建设", "环境保护"]
    assert joined.source == "t + 1 corrections"


def test_the_curated_routing_names_the_keywords_and_duty_that_decided(router):
    routing = router.route("楼上半夜装修电钻声很吵")
    assert "电钻声" in routing.deciding_words
    assert routing.duty.startswith("负责本区环境噪声污染防治")


def test_a_learned_routing_explains_itself_by_the_words_it_needed(classifier):
    trained = train_routing_model(_complaints_archive(), folds=3)
    router = Router(
        classifier, ActiveModel("codes", "category", 0.0, trained.classifier)
    )
    text = "隔壁工地凌晨还在打桩，吵得睡不着"
    assert router.route(text).deciding_words == ()
    explained = router.route(text, explain=True)
    assert explained.category == "noise"
    assert 1 <= len(explained.deciding_words) <= 3
    assert set(explained.deciding_words) & {"打桩", "吵", "工地", "凌晨", "睡不着"}
    assert all(word in text for word in explained.deciding_words)
