"""The per-process cache of parameter-free random draws (equilibria.drawcache) and its use by the
tyazhelnikov2016 population: same numbers with and without the cache, scipy's quantiles."""
import numpy as np
import pytest
from scipy import stats

from equilibria import drawcache
from equilibria.drawcache import DrawCache
from equilibria.errors import ParameterError
from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, _scale, draw_costs


def _array(n, value=0.0):
    return np.full(n, value)


def test_cache_returns_stored_arrays_read_only_and_counts():
    cache = DrawCache(10_000)
    calls = []
    make = lambda: calls.append(1) or _array(100, 1.5)  # noqa: E731
    first = cache.get("a", make)
    second = cache.get("a", make)
    assert second is first and len(calls) == 1
    assert (cache.hits, cache.misses, len(cache), cache.nbytes) == (1, 1, 1, 800)
    with pytest.raises(ValueError):
        first[0] = 2.0


def test_cache_evicts_least_recently_used_within_its_byte_limit():
    cache = DrawCache(2_000)  # room for two arrays of 800 bytes
    cache.get("a", lambda: _array(100))
    cache.get("b", lambda: _array(100))
    cache.get("a", lambda: _array(100))  # "a" becomes the most recent
    cache.get("c", lambda: _array(100))  # evicts "b"
    assert len(cache) == 2 and cache.nbytes == 1600
    made = []
    cache.get("b", lambda: made.append(1) or _array(100))
    cache.get("c", lambda: made.append(2) or _array(100))
    assert made == [1]  # "b" was gone, "c" was kept


def test_cache_keeps_nothing_larger_than_its_limit_and_nothing_when_off():
    cache = DrawCache(500)
    value = cache.get("big", lambda: _array(100))
    assert len(cache) == 0 and value.shape == (100,) and not value.flags.writeable
    off = DrawCache(0)
    off.get("x", lambda: _array(1))
    assert len(off) == 0 and off.misses == 1


def test_bad_limits_are_parameter_errors(monkeypatch):
    with pytest.raises(ParameterError, match="max_bytes"):
        DrawCache(-1)
    monkeypatch.setenv("EQUILIBRIA_DRAW_CACHE_MB", "lots")
    with pytest.raises(ParameterError, match="EQUILIBRIA_DRAW_CACHE_MB"):
        drawcache._limit_from_environment()
    monkeypatch.setenv("EQUILIBRIA_DRAW_CACHE_MB", "-3")
    with pytest.raises(ParameterError, match="EQUILIBRIA_DRAW_CACHE_MB"):
        drawcache._limit_from_environment()
    monkeypatch.setenv("EQUILIBRIA_DRAW_CACHE_MB", "1.5")
    assert drawcache._limit_from_environment() == 1_500_000


@pytest.mark.parametrize("family, shape, shape2", [("pareto", 1.3, 1.0), ("frechet", 2.5, 1.0),
                                                   ("lognormal", 0.7, 1.0), ("gengamma", 1.5, 0.8),
                                                   ("gengamma", 2.5, -0.6)])
def test_two_step_quantiles_match_scipy(family, shape, shape2):
    u = np.random.default_rng(3).random((500, 4, 3))
    u[0, 0, 0] = 0.0  # rng.random can return 0
    dist = CostDistribution(family, shape, 2.0, shape2)
    wages = np.array([1.0, 1.7, 0.4])
    got = dist.from_standard(dist.standard_draws(u), wages[None, None, :])
    scipy_family = {"pareto": stats.pareto(b=shape, scale=2.0), "frechet": stats.invweibull(c=shape, scale=2.0),
                    "lognormal": stats.lognorm(s=shape, scale=2.0),
                    "gengamma": stats.gengamma(a=shape, c=shape2, scale=2.0)}[family]
    np.testing.assert_allclose(got, scipy_family.ppf(u) * wages, rtol=1e-13, atol=0.0)


def test_draws_are_the_same_with_and_without_the_cache(monkeypatch):
    dist = CostDistribution("pareto", 1.4, 0.8)
    cached_first = draw_costs(dist, [1.0, 1.3], 6, 11, 100, 900)
    cached_again = draw_costs(dist, [1.0, 1.3], 6, 11, 100, 900)
    monkeypatch.setattr(drawcache, "_PROCESS_CACHE", DrawCache(0))
    fresh = draw_costs(dist, [1.0, 1.3], 6, 11, 100, 900)
    assert np.array_equal(cached_first, fresh) and np.array_equal(cached_again, fresh)
    assert cached_first.flags.writeable and cached_first.flags.c_contiguous
    cached_first[:] = -1.0  # the returned costs are the caller's: the cache is untouched
    assert np.array_equal(draw_costs(dist, [1.0, 1.3], 6, 11, 100, 900), fresh)


def test_cached_gamma_quantiles_belong_to_their_shape(monkeypatch):
    first = draw_costs(CostDistribution("gengamma", 1.5, 1.0, 0.8), [1.0, 1.3], 5, 2, 0, 700)
    other = draw_costs(CostDistribution("gengamma", 2.5, 1.0, 0.8), [1.0, 1.3], 5, 2, 0, 700)
    monkeypatch.setattr(drawcache, "_PROCESS_CACHE", DrawCache(0))
    assert np.array_equal(other, draw_costs(CostDistribution("gengamma", 2.5, 1.0, 0.8), [1.0, 1.3], 5, 2, 0, 700))
    assert np.array_equal(first, draw_costs(CostDistribution("gengamma", 1.5, 1.0, 0.8), [1.0, 1.3], 5, 2, 0, 700))
    assert not np.allclose(first, other)


def test_draws_do_not_depend_on_the_chunking():
    dist = CostDistribution("lognormal", 0.5, 1.0)
    whole = draw_costs(dist, [1.0, 2.0], 4, 5, 0, 5000)
    pieces = np.concatenate([draw_costs(dist, [1.0, 2.0], 4, 5, a, b) for a, b in ((0, 1234), (1234, 4097),
                                                                                   (4097, 5000))])
    assert np.array_equal(whole, pieces)


@pytest.mark.parametrize("shape, factor_shape", [((7, 3, 2), (2,)), ((7, 3, 2), (1, 1, 2)), ((5,), (5,)),
                                                 ((6, 3, 2), ()), ((6, 3, 2), (3, 2)), ((0, 3, 2), (2,))])
def test_scale_multiplies_like_broadcasting(shape, factor_shape):
    x = np.random.default_rng(1).random(shape)
    factor = np.random.default_rng(2).random(factor_shape)
    assert np.array_equal(_scale(x.copy(), factor), x * factor)
