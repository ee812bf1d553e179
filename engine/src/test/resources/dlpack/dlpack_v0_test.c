/*
 * A DLPack 0.x producer and consumer for the engine's tests, compiled against Debian's libdlpack-dev 0.6 header
 * (DLManagedTensor). The deleter is counted here, on the C side.
 */
#include <dlpack/dlpack.h>
#ifndef DLPACK_VERSION
#error "expected the DLPack 0.x header (libdlpack-dev 0.6 defines DLPACK_VERSION)"
#endif
#ifdef DLPACK_MAJOR_VERSION
#error "expected the DLPack 0.x header, found a 1.x one"
#endif
#include "dlpack_test_common.h"

typedef struct {
    DLManagedTensor managed; /* first: the deleter receives this address */
    int64_t shape[TEST_MAX_NDIM];
    int64_t strides[TEST_MAX_NDIM];
} v0_holder;

static int64_t made, deleted, bad_deletes, freed_without_deleter;

/* The tensors made and not yet deleted: a deleter call for anything else is counted, and nothing is touched. */
#define MAX_LIVE 4096
static void *live[MAX_LIVE];

static int track(void *holder) {
    for (int i = 0; i < MAX_LIVE; i++) {
        if (live[i] == NULL) {
            live[i] = holder;
            return 0;
        }
    }
    return -1;
}

static int untrack(void *holder) {
    for (int i = 0; i < MAX_LIVE; i++) {
        if (live[i] == holder) {
            live[i] = NULL;
            return 0;
        }
    }
    return -1;
}

static void v0_deleter(DLManagedTensor *self) {
    v0_holder *holder = (v0_holder *) self;
    if (untrack(holder) != 0) { /* not a live tensor of ours: a second call, or a stranger */
        bad_deletes++;
        return;
    }
    deleted++;
    free(self->dl_tensor.data);
    free(holder);
}

/* Makes a tensor whose elements, in logical row-major order, are values (NULL: leave the buffer as 0xAB). */
DLManagedTensor *v0_make(int32_t ndim, const int64_t *shape, const int64_t *strides, uint64_t byte_offset,
                         uint8_t code, uint8_t bits, uint16_t lanes, int32_t device_type, const float *values,
                         int32_t with_deleter) {
    v0_holder *holder = calloc(1, sizeof(v0_holder));
    if (holder == NULL) return NULL;
    int64_t fill_strides[TEST_MAX_NDIM];
    int64_t buffer_bytes;
    if (init_tensor(&holder->managed.dl_tensor, holder->shape, holder->strides, ndim, shape, strides, byte_offset,
                    code, bits, lanes, device_type, fill_strides, &buffer_bytes) != 0) {
        free(holder);
        return NULL;
    }
    fill(&holder->managed.dl_tensor, fill_strides, buffer_bytes, values);
    holder->managed.manager_ctx = holder;
    holder->managed.deleter = with_deleter ? v0_deleter : NULL;
    if (track(holder) != 0) {
        free(holder->managed.dl_tensor.data);
        free(holder);
        return NULL;
    }
    made++;
    return &holder->managed;
}

/* Frees a tensor made without a deleter (the test's own cleanup). */
void v0_free_without_deleter(DLManagedTensor *managed) {
    v0_holder *holder = (v0_holder *) managed;
    if (untrack(holder) != 0) {
        bad_deletes++;
        return;
    }
    freed_without_deleter++;
    free(managed->dl_tensor.data);
    free(holder);
}

void *v0_data(DLManagedTensor *managed) { return managed->dl_tensor.data; }
int v0_read(DLManagedTensor *managed, float *out, int64_t n) { return read_tensor(&managed->dl_tensor, out, n); }
void v0_call_deleter(DLManagedTensor *managed) { if (managed->deleter != NULL) managed->deleter(managed); }
int64_t v0_made(void) { return made; }
int64_t v0_deleted(void) { return deleted; }
int64_t v0_bad_deletes(void) { return bad_deletes; }
int64_t v0_freed_without_deleter(void) { return freed_without_deleter; }
