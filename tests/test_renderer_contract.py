"""Every registered renderer must pass this suite: it is the plugin contract in executable form."""

import io

import pytest
from PIL import Image

from gotdata import registry
from gotdata.renderer import Job, Rejection, Renderer, RendererParams, Sample
from gotdata.seeding import make_rng

NAMES = registry.names()


def test_at_least_one_renderer_is_registered():
    assert "molecule" in NAMES


@pytest.fixture(params=NAMES)
def renderer(request):
    cls = registry.get(request.param)
    instance = cls(cls.parse_params({}))
    instance.setup()
    yield instance
    instance.close()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_declares_its_identity(renderer):
    cls = type(renderer)
    assert issubclass(cls, Renderer) and issubclass(cls.Params, RendererParams)
    assert cls.name and cls.version and cls.target_format and cls.prompt
    assert registry.get(cls.name) is cls


def test_unknown_params_are_refused(renderer):
    with pytest.raises(ValueError):
        type(renderer).parse_params({"no_such_parameter": 1})


def test_default_corpus_and_batch_results(renderer):
    corpus = renderer.load_corpus([])
    assert len(corpus) > 0
    jobs = [Job(item=corpus.pick(make_rng(seed)), rng=make_rng(seed)) for seed in range(8)]
    results = renderer.render_batch(jobs)
    assert len(results) == len(jobs)
    samples = [r for r in results if isinstance(r, Sample)]
    assert len(samples) >= 4, [r for r in results if isinstance(r, Rejection)]
    for sample in samples:
        assert sample.target.strip()
        assert sample.images and all(isinstance(im, Image.Image) for im in sample.images)


def test_same_job_same_output_whatever_the_batch(renderer):
    corpus = renderer.load_corpus([])

    def job(seed):
        rng = make_rng(seed)
        return Job(item=corpus.pick(rng), rng=rng)

    alone = renderer.render_batch([job(42)])[0]
    in_batch = renderer.render_batch([job(1), job(42), job(2)])[1]
    assert type(alone) is type(in_batch)
    if isinstance(alone, Sample):
        assert alone.target == in_batch.target and alone.params == in_batch.params
        assert [_png(i) for i in alone.images] == [_png(i) for i in in_batch.images]
