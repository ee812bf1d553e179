/*
 * dnnl_softmax_bench: oneDNN's softmax primitives called directly from C, the reference the Java benchmarks
 * (bench/) are divided by. Same library as the engine loads (libdnnl.so.3 and libgomp.so.1 from
 * org.bytedeco:dnnl:3.13-1.5.14:linux-x86_64), same primitives (softmax forward, inference, accurate or log
 * algorithm, dense row-major 2-D tensors, last axis; softmax backward with the forward as hint), same data
 * (uniform [-4, 4) logits), and timed the way JMH times an iteration: warm-up, then `samples` samples of about
 * `sample-ms` each, every sample the mean time of a batch of calls; best and median are taken over samples.
 *
 * Built and run by bench/lib.sh (bench/run.sh, bench/smoke.sh):
 *   gcc -O2 -std=c11 -I<jar>/include dnnl_softmax_bench.c -L<jar> -l:libdnnl.so.3 -l:libgomp.so.1 -Wl,-rpath,<jar>
 * Run with OMP_WAIT_POLICY=PASSIVE (libgomp reads it when it loads, before main).
 *
 * Output: one line per result on stdout, `RESULT key=value ...` (no spaces inside values), plus `#` comment
 * lines. Every result is checked once, after the warm-up, against a double-precision reference on up to 16
 * rows; a result outside the bound prints CHECK-FAILED on stderr and the program exits with status 2.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oneapi/dnnl/dnnl.h"
#include "oneapi/dnnl/dnnl_debug.h"

/* From the jar's libgomp.so.1 (no omp.h in the jar; declared here so no -fopenmp is needed). */
extern void omp_set_num_threads(int n);
extern int omp_get_max_threads(void);

#define CHECK(call)                                                                                   \
    do {                                                                                              \
        dnnl_status_t s_ = (call);                                                                    \
        if (s_ != dnnl_success) {                                                                     \
            fprintf(stderr, "dnnl_softmax_bench: %s failed with status %d at line %d\n", #call, (int)s_, \
                    __LINE__);                                                                        \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

typedef enum { OP_SOFTMAX, OP_LOGSOFTMAX, OP_SOFTMAX_BWD, OP_LOGSOFTMAX_BWD } op_t;
static const char *OP_NAMES[] = {"softmax", "logsoftmax", "softmax_bwd", "logsoftmax_bwd"};

typedef struct {
    long rows, cols;
} shape_t;

typedef struct {
    double warmup_ms, sample_ms;
    int samples;
} timing_t;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- data --------------------------------------------------------------------------------------------- */

static uint64_t rng_state;
static double next_uniform(void) { /* splitmix64 -> [0, 1) */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static uint16_t f32_to_bf16(float f) { /* round to nearest even; inputs here are finite */
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

static float bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static size_t dt_size(dnnl_data_type_t dt) { return dt == dnnl_bf16 ? 2 : 4; }

static float load(const void *p, dnnl_data_type_t dt, size_t i) {
    return dt == dnnl_bf16 ? bf16_to_f32(((const uint16_t *)p)[i]) : ((const float *)p)[i];
}

static void store(void *p, dnnl_data_type_t dt, size_t i, float v) {
    if (dt == dnnl_bf16) {
        ((uint16_t *)p)[i] = f32_to_bf16(v);
    } else {
        ((float *)p)[i] = v;
    }
}

static void *alloc64(size_t bytes) {
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes < 64 ? 64 : bytes) != 0) {
        fprintf(stderr, "dnnl_softmax_bench: out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    memset(p, 0, bytes); /* touch every page before timing */
    return p;
}

/* ---- the double-precision reference check ---------------------------------------------------------------- */

/*
 * Returns the largest error seen over up to 16 evenly spread rows, as a fraction of the bound; > 1 fails.
 * Bounds are the suite's "peer" bounds (bench/.../Reference.java): raw oneDNN is not held to the engine's
 * tighter contract (the engine re-normalises long rows because oneDNN's f32 sum drifts).
 *   softmax:            |y - p| <= 1e-4 * p + 1e-30          (+ 2^-7 * p for bf16 output)
 *   log-softmax:        |y - l| <= 1e-4 * max(1, |l|)        (+ 2^-7 * |l| for bf16 output)
 *   softmax backward:   |dx - r| <= 1e-4 * s * (|g| + sum |s g|) + 1e-30
 *   log-softmax bwd:    |dx - r| <= 1e-4 * (|g| + exp(y) * sum |g|) + 1e-30
 * `max_err` receives the largest plain error measure (relative for softmax, scaled absolute for the others).
 */
static double check_rows(op_t op, dnnl_data_type_t dt, shape_t sh, const void *in, const void *grad,
                         const void *out, double *max_err) {
    long step = sh.rows <= 16 ? 1 : sh.rows / 16;
    double worst = 0, err_max = 0;
    double bf16_slack = dt == dnnl_bf16 ? 0x1.0p-7 : 0;
    for (long r = 0; r < sh.rows; r += step) {
        size_t base = (size_t)r * (size_t)sh.cols;
        if (op == OP_SOFTMAX || op == OP_LOGSOFTMAX) {
            double m = -INFINITY, sum = 0;
            for (long c = 0; c < sh.cols; c++) m = fmax(m, load(in, dt, base + c));
            for (long c = 0; c < sh.cols; c++) sum += exp((double)load(in, dt, base + c) - m);
            double lse = m + log(sum);
            for (long c = 0; c < sh.cols; c++) {
                double l = (double)load(in, dt, base + c) - lse, y = load(out, dt, base + c);
                double e, bound;
                if (op == OP_SOFTMAX) {
                    double p = exp(l);
                    e = fabs(y - p) / p;
                    bound = (1e-4 + bf16_slack) * p + 1e-30;
                    if (e > err_max || isnan(y)) err_max = isnan(y) ? INFINITY : e;
                    e = fabs(y - p);
                } else {
                    double scale = fmax(1, fabs(l));
                    e = fabs(y - l);
                    bound = 1e-4 * scale + bf16_slack * fabs(l);
                    if (e / scale > err_max || isnan(y)) err_max = isnan(y) ? INFINITY : e / scale;
                }
                double ratio = isnan(y) ? INFINITY : e / bound;
                if (ratio > worst) worst = ratio;
            }
        } else {
            /* in = forward output (s or y), grad = upstream gradient g, out = dx */
            double dot = 0, abs_dot = 0, gsum = 0, gabs = 0;
            for (long c = 0; c < sh.cols; c++) {
                double s = load(in, dt, base + c), g = load(grad, dt, base + c);
                dot += s * g;
                abs_dot += fabs(s * g);
                gsum += g;
                gabs += fabs(g);
            }
            for (long c = 0; c < sh.cols; c++) {
                double s = load(in, dt, base + c), g = load(grad, dt, base + c), dx = load(out, dt, base + c);
                double ref, bound;
                if (op == OP_SOFTMAX_BWD) {
                    ref = s * (g - dot);
                    bound = (1e-4 + bf16_slack) * s * (fabs(g) + abs_dot) + 1e-30;
                } else {
                    ref = g - exp(s) * gsum;
                    bound = (1e-4 + bf16_slack) * (fabs(g) + exp(s) * gabs) + 1e-30;
                }
                double e = fabs(dx - ref);
                double ratio = isnan(dx) ? INFINITY : e / bound;
                if (ratio > worst) worst = ratio;
                double scaled = e / (bound / 1e-4);
                if (scaled > err_max || isnan(dx)) err_max = isnan(dx) ? INFINITY : scaled;
            }
        }
    }
    *max_err = err_max;
    return worst;
}

/* ---- one measurement ------------------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_one(dnnl_engine_t engine, dnnl_stream_t stream, op_t op, dnnl_data_type_t dt, int in_place,
                   int threads, shape_t sh, timing_t tm) {
    size_t n = (size_t)sh.rows * (size_t)sh.cols, bytes = n * dt_size(dt);
    int backward = op == OP_SOFTMAX_BWD || op == OP_LOGSOFTMAX_BWD;
    dnnl_alg_kind_t alg = (op == OP_SOFTMAX || op == OP_SOFTMAX_BWD) ? dnnl_softmax_accurate : dnnl_softmax_log;
    dnnl_dims_t dims = {sh.rows, sh.cols};

    omp_set_num_threads(threads); /* before the primitive is created: oneDNN sizes its team then */

    dnnl_memory_desc_t md;
    CHECK(dnnl_memory_desc_create_with_tag(&md, 2, dims, dt, dnnl_ab));

    /* Data: logits x; for backward also the forward output s (computed by oneDNN below) and a gradient g. */
    rng_state = 0x5EEDULL + (uint64_t)sh.rows * 1000003ULL + (uint64_t)sh.cols;
    void *x = alloc64(bytes), *pristine = alloc64(bytes), *y = alloc64(bytes);
    void *g = backward ? alloc64(bytes) : NULL, *dx = backward ? alloc64(bytes) : NULL;
    for (size_t i = 0; i < n; i++) store(x, dt, i, (float)(next_uniform() * 8 - 4));
    if (backward) {
        for (size_t i = 0; i < n; i++) store(g, dt, i, (float)(next_uniform() * 2 - 1));
    }
    memcpy(pristine, x, bytes);

    dnnl_primitive_desc_t fwd_pd;
    CHECK(dnnl_softmax_forward_primitive_desc_create(&fwd_pd, engine,
                                                     backward ? dnnl_forward_training : dnnl_forward_inference,
                                                     alg, md, md, 1, NULL));
    dnnl_primitive_t fwd;
    CHECK(dnnl_primitive_create(&fwd, fwd_pd));
    const char *impl = "?";
    CHECK(dnnl_primitive_desc_query(fwd_pd, dnnl_query_impl_info_str, 0, &impl));
    char impl_name[128];
    snprintf(impl_name, sizeof impl_name, "%s", impl);

    dnnl_memory_t m_x, m_y;
    CHECK(dnnl_memory_create(&m_x, md, engine, x));
    /* Backward keeps s in y and works in place on the gradient instead. */
    CHECK(dnnl_memory_create(&m_y, md, engine, in_place && !backward ? x : y));
    dnnl_exec_arg_t fwd_args[2] = {{DNNL_ARG_SRC, m_x}, {DNNL_ARG_DST, m_y}};

    dnnl_primitive_desc_t bwd_pd = NULL;
    dnnl_primitive_t bwd = NULL;
    dnnl_memory_t m_g = NULL, m_dx = NULL;
    dnnl_exec_arg_t bwd_args[3];
    if (backward) {
        /* s = forward(x) once; then backward(s, g) -> dx is what is timed. */
        CHECK(dnnl_primitive_execute(fwd, stream, 2, fwd_args));
        CHECK(dnnl_stream_wait(stream));
        CHECK(dnnl_softmax_backward_primitive_desc_create(&bwd_pd, engine, alg, md, md, md, 1, fwd_pd, NULL));
        CHECK(dnnl_primitive_create(&bwd, bwd_pd));
        CHECK(dnnl_primitive_desc_query(bwd_pd, dnnl_query_impl_info_str, 0, &impl));
        snprintf(impl_name, sizeof impl_name, "%s", impl);
        CHECK(dnnl_memory_create(&m_g, md, engine, g));
        CHECK(dnnl_memory_create(&m_dx, md, engine, in_place ? g : dx));
        bwd_args[0] = (dnnl_exec_arg_t){DNNL_ARG_DST, m_y};
        bwd_args[1] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, m_g};
        bwd_args[2] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_SRC, m_dx};
        memcpy(pristine, g, bytes); /* in place, the gradient is what gets overwritten */
    }
    void *restore_target = backward ? g : x;

    /* One call, as measured: in place restores its input first (JMH sample 38), inside the timed region. */
#define ONE_CALL()                                                                   \
    do {                                                                             \
        if (in_place) memcpy(restore_target, pristine, bytes);                       \
        if (backward) {                                                              \
            CHECK(dnnl_primitive_execute(bwd, stream, 3, bwd_args));                 \
        } else {                                                                     \
            CHECK(dnnl_primitive_execute(fwd, stream, 2, fwd_args));                 \
        }                                                                            \
        CHECK(dnnl_stream_wait(stream));                                             \
    } while (0)

    /* Warm-up, which also sizes the batches: about sample_ms per sample. */
    double start = now_ns(), per_call;
    long warm_calls = 0;
    do {
        ONE_CALL();
        warm_calls++;
    } while (now_ns() - start < tm.warmup_ms * 1e6);
    per_call = (now_ns() - start) / (double)warm_calls;

    /* The check, on the output of the calls just made. */
    double max_err = 0, worst;
    if (backward) {
        worst = check_rows(op, dt, sh, y, pristine, in_place ? g : dx, &max_err);
    } else {
        worst = check_rows(op, dt, sh, pristine, NULL, in_place ? x : y, &max_err);
    }
    if (!(worst <= 1)) {
        fprintf(stderr,
                "CHECK-FAILED impl=onednn-c op=%s dtype=%s placement=%s threads=%d shape=%ldx%ld "
                "worst_error_over_bound=%.3g max_err=%.3g\n",
                OP_NAMES[op], dt == dnnl_bf16 ? "bf16" : "f32", in_place ? "in" : "out", threads, sh.rows,
                sh.cols, worst, max_err);
        return 2;
    }

    long batch = (long)(tm.sample_ms * 1e6 / per_call);
    if (batch < 1) batch = 1;
    double *ns = calloc((size_t)tm.samples, sizeof(double));
    for (int s = 0; s < tm.samples; s++) {
        double t0 = now_ns();
        for (long i = 0; i < batch; i++) ONE_CALL();
        ns[s] = (now_ns() - t0) / (double)batch;
    }
#undef ONE_CALL
    double *sorted = malloc((size_t)tm.samples * sizeof(double));
    memcpy(sorted, ns, (size_t)tm.samples * sizeof(double));
    qsort(sorted, (size_t)tm.samples, sizeof(double), cmp_double);
    double median = tm.samples % 2 ? sorted[tm.samples / 2]
                                   : (sorted[tm.samples / 2 - 1] + sorted[tm.samples / 2]) / 2;
    double best = sorted[0], worst_sample = sorted[tm.samples - 1];

    printf("RESULT impl=onednn-c op=%s dtype=%s placement=%s threads=%d shape=%ldx%ld elements=%zu "
           "calls_per_sample=%ld samples=%d ns_per_call_median=%.1f ns_per_call_best=%.1f "
           "ns_per_call_worst=%.1f ns_per_elem_median=%.5f ns_per_elem_best=%.5f check=ok "
           "check_max_err=%.3g impl_name=%s sample_ns=",
           OP_NAMES[op], dt == dnnl_bf16 ? "bf16" : "f32", in_place ? "in" : "out", threads, sh.rows, sh.cols, n,
           batch, tm.samples, median, best, worst_sample, median / (double)n, best / (double)n, max_err, impl_name);
    for (int s = 0; s < tm.samples; s++) printf(s ? ",%.1f" : "%.1f", ns[s]);
    printf("\n");
    fflush(stdout);

    free(sorted);
    free(ns);
    if (backward) {
        CHECK(dnnl_memory_destroy(m_g));
        CHECK(dnnl_memory_destroy(m_dx));
        CHECK(dnnl_primitive_destroy(bwd));
        CHECK(dnnl_primitive_desc_destroy(bwd_pd));
        free(g);
        free(dx);
    }
    CHECK(dnnl_memory_destroy(m_x));
    CHECK(dnnl_memory_destroy(m_y));
    CHECK(dnnl_primitive_destroy(fwd));
    CHECK(dnnl_primitive_desc_destroy(fwd_pd));
    CHECK(dnnl_memory_desc_destroy(md));
    free(x);
    free(y);
    free(pristine);
    return 0;
}

/* ---- command line --------------------------------------------------------------------------------------- */

static void usage(void) {
    fprintf(stderr,
            "usage: dnnl_softmax_bench [--shapes 8x16,64x32000,...] [--ops softmax,logsoftmax,softmax_bwd,"
            "logsoftmax_bwd]\n"
            "                          [--dtypes f32,bf16] [--placements out,in] [--threads 1,2]\n"
            "                          [--warmup-ms 300] [--samples 5] [--sample-ms 200]\n"
            "Every combination of the lists is measured (in-place only for the ops listed; bf16 as given).\n");
    exit(64);
}

static int split(char *list, char **items, int max) {
    int count = 0;
    for (char *tok = strtok(list, ","); tok && count < max; tok = strtok(NULL, ",")) items[count++] = tok;
    return count;
}

int main(int argc, char **argv) {
    char shapes_arg[1024] = "8x16,1x32000,64x32000,1x128256,256x128256,4096x128,1024x1024,1x1000000";
    char ops_arg[256] = "softmax,logsoftmax", dtypes_arg[64] = "f32", placements_arg[64] = "out",
         threads_arg[64] = "1";
    timing_t tm = {300, 200, 5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--shapes")) snprintf(shapes_arg, sizeof shapes_arg, "%s", v);
        else if (!strcmp(a, "--ops")) snprintf(ops_arg, sizeof ops_arg, "%s", v);
        else if (!strcmp(a, "--dtypes")) snprintf(dtypes_arg, sizeof dtypes_arg, "%s", v);
        else if (!strcmp(a, "--placements")) snprintf(placements_arg, sizeof placements_arg, "%s", v);
        else if (!strcmp(a, "--threads")) snprintf(threads_arg, sizeof threads_arg, "%s", v);
        else if (!strcmp(a, "--warmup-ms")) tm.warmup_ms = atof(v);
        else if (!strcmp(a, "--samples")) tm.samples = atoi(v);
        else if (!strcmp(a, "--sample-ms")) tm.sample_ms = atof(v);
        else usage();
    }
    if (tm.samples < 1) usage();

    char *shape_items[32], *op_items[8], *dtype_items[4], *placement_items[4], *thread_items[8];
    int n_shapes = split(shapes_arg, shape_items, 32), n_ops = split(ops_arg, op_items, 8),
        n_dtypes = split(dtypes_arg, dtype_items, 4), n_placements = split(placements_arg, placement_items, 4),
        n_threads = split(threads_arg, thread_items, 8);

    const dnnl_version_t *version = dnnl_version();
    const char *wait = getenv("OMP_WAIT_POLICY");
    printf("# dnnl_softmax_bench: oneDNN %d.%d.%d (%s) isa=%s omp_max_threads=%d OMP_WAIT_POLICY=%s "
           "warmup_ms=%g samples=%d sample_ms=%g\n",
           version->major, version->minor, version->patch, version->hash, dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()),
           omp_get_max_threads(), wait ? wait : "(unset)", tm.warmup_ms, tm.samples, tm.sample_ms);
    if (!wait) {
        fprintf(stderr, "dnnl_softmax_bench: warning: OMP_WAIT_POLICY is not set; idle OpenMP threads will spin\n");
    }

    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));

    int status = 0;
    for (int s = 0; s < n_shapes; s++) {
        shape_t sh;
        if (sscanf(shape_items[s], "%ldx%ld", &sh.rows, &sh.cols) != 2 || sh.rows < 1 || sh.cols < 1) usage();
        for (int o = 0; o < n_ops; o++) {
            op_t op;
            if (!strcmp(op_items[o], "softmax")) op = OP_SOFTMAX;
            else if (!strcmp(op_items[o], "logsoftmax")) op = OP_LOGSOFTMAX;
            else if (!strcmp(op_items[o], "softmax_bwd")) op = OP_SOFTMAX_BWD;
            else if (!strcmp(op_items[o], "logsoftmax_bwd")) op = OP_LOGSOFTMAX_BWD;
            else usage();
            for (int d = 0; d < n_dtypes; d++) {
                dnnl_data_type_t dt;
                if (!strcmp(dtype_items[d], "f32")) dt = dnnl_f32;
                else if (!strcmp(dtype_items[d], "bf16")) dt = dnnl_bf16;
                else usage();
                for (int p = 0; p < n_placements; p++) {
                    int in_place;
                    if (!strcmp(placement_items[p], "out")) in_place = 0;
                    else if (!strcmp(placement_items[p], "in")) in_place = 1;
                    else usage();
                    for (int t = 0; t < n_threads; t++) {
                        int threads = atoi(thread_items[t]);
                        if (threads < 1) usage();
                        int rc = run_one(engine, stream, op, dt, in_place, threads, sh, tm);
                        if (rc > status) status = rc;
                    }
                }
            }
        }
    }
    CHECK(dnnl_stream_destroy(stream));
    CHECK(dnnl_engine_destroy(engine));
    return status;
}
