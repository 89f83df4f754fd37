"""Item pipelines, one step per module, in the order of ``ITEM_PIPELINES``:

extract (100) -> canonical URL (200) -> exact duplicate (300) -> near duplicate (400) -> store (500)
"""

ITEM_PIPELINES = {
    "stancewatch.pipelines.extract.ExtractPipeline": 100,
    "stancewatch.pipelines.canonical.CanonicalUrlPipeline": 200,
    "stancewatch.pipelines.exact.ExactDuplicatePipeline": 300,
    "stancewatch.pipelines.near.NearDuplicatePipeline": 400,
    "stancewatch.pipelines.store.StorePipeline": 500,
}
