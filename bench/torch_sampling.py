#!/usr/bin/python3
"""vLLM's CPU sampling algorithm on Debian's PyTorch (python3-torch), timed like the JMH decode-step benchmarks.

    /usr/bin/python3 bench/torch_sampling.py --out bench/results/raw/torch/sampling.json \
        [--shapes 1x128256,64x128256,256x32000] [--scenarios GREEDY,TOPK_TOPP,TOPP_LOGPROBS,PENALTIES_MASK_TOPP] \
        [--warmup-ms 300] [--samples 5] [--sample-ms 200]

One thread (torch.set_num_threads(1)), f32. Per call, as vLLM's v1 sampler does on a CPU:
  penalties      (d) vLLM's apply_penalties: counts of the history tokens (scatter_add), repetition penalty on
                 the tokens seen (positive logits divided, negative multiplied), then frequency * count and
                 presence * (count > 0) subtracted
  bitmask        (d) xgrammar's CPU path: the int32 words unpacked to booleans, disallowed tokens -inf
  temperature    logits divided by the per-row temperature (greedy rows: argmax, no sort)
  top-k / top-p  vLLM's apply_top_k_top_p: a full sort of each row, the k-th value as threshold, softmax and
                 cumsum of the sorted row for the top-p mask, scatter back
  draw           softmax, then vLLM's random_sample: probs / Exponential(1) noise, argmax (the exponential race)
  logprobs       (c) log_softmax of the processed logits, topk(20), and the chosen token's log-probability
The workload has the distribution of bench's SamplingWorkload (2 * N(0, 1) logits, 8 raised tokens per row, a
1024-token history, a 3/4-dense bitmask), drawn with torch's generator: same distribution, not the same bytes.
Each sample is the mean time of a batch of calls lasting about --sample-ms; the report uses their median.
Writes {"torch": version, "threads": 1, "results": [{"shape", "scenario", "samples_ns": [...]}, ...]}.
"""
import argparse
import json
import os
import time

import torch

SCENARIOS = {
    # name: (temperature, top_k, top_p, penalties+bitmask, logprobs)
    "GREEDY": (0.0, 0, 1.0, False, False),
    "TOPK_TOPP": (0.8, 50, 0.9, False, False),
    "TOPP_LOGPROBS": (1.0, 0, 0.95, False, True),
    "PENALTIES_MASK_TOPP": (1.0, 0, 0.9, True, False),
}
HEAD = 8
HISTORY = 1024
TOP = 20
REPETITION, PRESENCE, FREQUENCY = 1.1, 0.2, 0.1


def apply_top_k_top_p(logits, k, p):
    """vLLM's apply_top_k_top_p (v1/sample/ops/topk_topp_sampler.py), the sort-based path its CPU backend uses."""
    logits_sort, logits_idx = logits.sort(dim=-1, descending=False)
    if k is not None:
        top_k_mask = logits_sort.size(1) - k.to(torch.long)
        top_k_mask = logits_sort.gather(1, top_k_mask.unsqueeze(dim=1))
        top_k_mask = logits_sort < top_k_mask
        logits_sort.masked_fill_(top_k_mask, -float("inf"))
    if p is not None:
        probs_sort = logits_sort.softmax(dim=-1)
        probs_sum = torch.cumsum(probs_sort, dim=-1, out=probs_sort)
        top_p_mask = probs_sum <= 1 - p.unsqueeze(dim=1)
        top_p_mask[:, -1] = False
        logits_sort.masked_fill_(top_p_mask, -float("inf"))
    return logits_sort.scatter(dim=-1, index=logits_idx, src=logits_sort)


def random_sample(probs, generator):
    """vLLM's random_sample: the exponential race (probs / Exp(1), argmax), no CPU-GPU sync."""
    q = torch.empty_like(probs)
    q.exponential_(generator=generator)
    return probs.div_(q).argmax(dim=-1).view(-1)


def apply_penalties(logits, history, vocab):
    """vLLM's apply_penalties over the output tokens (here: the history), per-row scalars broadcast."""
    rows = logits.size(0)
    counts = torch.zeros(rows, vocab + 1, dtype=torch.long)
    counts.scatter_add_(1, history, torch.ones_like(history))
    counts = counts[:, :vocab]
    mask = counts > 0
    repetition = torch.full((rows, 1), REPETITION).expand(rows, vocab)
    penalties = torch.where(mask, repetition, torch.ones_like(logits))
    logits = torch.where(logits > 0, logits / penalties, logits * penalties)
    logits -= FREQUENCY * counts
    logits -= PRESENCE * mask
    return logits


def apply_bitmask(logits, bitmask, vocab):
    """xgrammar's CPU path: unpack the int32 words to booleans and mask the disallowed tokens."""
    bits = torch.arange(32, dtype=torch.int32)
    allowed = ((bitmask.unsqueeze(-1) >> bits) & 1).bool().view(bitmask.size(0), -1)[:, :vocab]
    return logits.masked_fill_(~allowed, -float("inf"))


def step(logits, scenario, temperature, k, p, history, bitmask, generator):
    t, top_k, top_p, penalties, logprobs = SCENARIOS[scenario]
    vocab = logits.size(1)
    x = logits  # every step below that changes values makes a new tensor: the caller's logits stay unchanged
    if penalties:
        x = apply_penalties(x, history, vocab)
        x = apply_bitmask(x, bitmask, vocab)
    if t == 0:
        return x.argmax(dim=-1), None
    x = x.div(temperature.unsqueeze(dim=1))
    x = apply_top_k_top_p(x, k if top_k else None, p if top_p < 1 else None)
    out = None
    if logprobs:
        lp = x.log_softmax(dim=-1)
        out = lp.topk(min(TOP, vocab), dim=-1)
    probs = x.softmax(dim=-1, dtype=torch.float32)
    tokens = random_sample(probs, generator)
    if logprobs:
        chosen = lp.gather(1, tokens.unsqueeze(1))
        out = (out, chosen)
    return tokens, out


def workload(rows, vocab, scenario, seed):
    g = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(rows, vocab, generator=g)
    head = torch.randint(0, vocab, (rows, HEAD), generator=g)
    logits.scatter_add_(1, head, 8 + 6 * torch.rand(rows, HEAD, generator=g))
    t, top_k, top_p, penalties, _ = SCENARIOS[scenario]
    temperature = torch.full((rows,), t if t > 0 else 1.0)
    k = torch.full((rows,), min(top_k, vocab) if top_k else vocab, dtype=torch.long)  # vLLM clamps k to the vocabulary
    p = torch.full((rows,), top_p)
    history = bitmask = None
    if penalties:
        history = torch.randint(0, vocab, (rows, HISTORY), generator=g)
        words = (vocab + 31) // 32
        a = torch.randint(-2**31, 2**31 - 1, (rows, words), dtype=torch.int32, generator=g)
        b = torch.randint(-2**31, 2**31 - 1, (rows, words), dtype=torch.int32, generator=g)
        bitmask = a | b
        for r in range(rows):  # the raised tokens stay allowed, as in SamplingWorkload
            for tok in head[r].tolist():
                bitmask[r, tok // 32] |= (1 << (tok % 32)) if tok % 32 < 31 else -2**31
    return logits, temperature, k, p, history, bitmask, head


def check(tokens, logits, scenario, bitmask, vocab):
    assert tokens.shape == (logits.size(0),), tokens.shape
    assert int(tokens.min()) >= 0 and int(tokens.max()) < vocab
    if scenario == "GREEDY":
        assert torch.equal(tokens, logits.argmax(dim=-1)), "greedy is not the argmax"
    if scenario == "TOPK_TOPP":
        rank = (logits > logits.gather(1, tokens.unsqueeze(1))).sum(dim=1)
        assert int(rank.max()) < 50, "top-k 50 drew a token ranked %d" % int(rank.max())
    if bitmask is not None:
        words = bitmask.gather(1, (tokens // 32).unsqueeze(1)).squeeze(1)
        assert bool((((words >> (tokens % 32).to(torch.int32)) & 1) == 1).all()), "a disallowed token was drawn"


def measure(fn, warmup_ms, samples, sample_ms):
    end = time.perf_counter() + warmup_ms / 1000
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        if time.perf_counter() >= end and calls >= 2:
            break
    per_call = max((time.perf_counter() - start) / calls, 1e-9)
    batch = max(1, int(sample_ms / 1000 / per_call))
    result = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(batch):
            fn()
        result.append((time.perf_counter_ns() - start) / batch)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--shapes", default="1x128256,64x128256,256x32000")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--warmup-ms", type=float, default=300)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--sample-ms", type=float, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = []
    for shape in args.shapes.split(","):
        rows, vocab = (int(v) for v in shape.split("x"))
        for scenario in args.scenarios.split(","):
            logits, temperature, k, p, history, bitmask, _ = workload(rows, vocab, scenario, 4242 + rows + vocab)
            generator = torch.Generator().manual_seed(1000)
            tokens, _ = step(logits, scenario, temperature, k, p, history, bitmask, generator)
            check(tokens, logits, scenario, bitmask, vocab)
            samples = measure(lambda: step(logits, scenario, temperature, k, p, history, bitmask, generator),
                              args.warmup_ms, args.samples, args.sample_ms)
            median = sorted(samples)[len(samples) // 2]
            print("torch_sampling: %-10s %-20s %12.0f ns/call (median of %d)" % (shape, scenario, median,
                                                                                 len(samples)), flush=True)
            results.append({"shape": shape, "scenario": scenario, "samples_ns": samples})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    partial = args.out + ".partial"
    with open(partial, "w") as f:
        json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, f, indent=1)
    os.replace(partial, args.out)


if __name__ == "__main__":
    main()
