"""The benchmark's grouped folds: whole groups held out, each group's fold fixed."""

from bench.learned import group_folds


def _fold_of(groups: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for k, (train, test) in enumerate(group_folds(groups, 5)):
        assert not set(train) & set(test)
        for i in test:
            assert found.setdefault(groups[i], k) == k  # a group is never split
    return found


def test_every_example_is_held_out_once_with_its_whole_group():
    groups = [f"g{n // 7}" for n in range(700)]
    tested = sorted(i for _, test in group_folds(groups, 5) for i in test)
    assert tested == list(range(700))
    assert len(set(_fold_of(groups).values())) == 5


def test_new_groups_move_no_other_group_to_another_fold():
    before = [f"g{n // 7}" for n in range(700)]
    after = [f"new{n // 9}" for n in range(90)] + before[:350] + before[357:]  # one group gone
    was = _fold_of(before)
    moved = {g for g, k in _fold_of(after).items() if g in was and was[g] != k}
    assert not moved
