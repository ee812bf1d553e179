/*
 * A DLPack 1.x producer and consumer for the engine's tests, compiled against the vendored DLPack 1.1 header
 * (DLManagedTensorVersioned). The producer's deleter is counted here, on the C side; the consumer functions read,
 * write and delete any DLManagedTensorVersioned*, the engine's exports included.
 */
#include <dlpack/dlpack.h>
#if !defined(DLPACK_MAJOR_VERSION) || DLPACK_MAJOR_VERSION != 1
#error "expected the DLPack 1.x header"
#endif
#include "dlpack_test_common.h"

typedef struct {
    struct DLManagedTensorVersioned managed; /* first: the deleter receives this address */
    int64_t shape[TEST_MAX_NDIM];
    int64_t strides[TEST_MAX_NDIM];
} v1_holder;

static int64_t made, deleted, bad_deletes;

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

static void v1_deleter(struct DLManagedTensorVersioned *self) {
    v1_holder *holder = (v1_holder *) self;
    if (untrack(holder) != 0) { /* not a live tensor of ours: a second call, or a stranger */
        bad_deletes++;
        return;
    }
    deleted++;
    free(self->dl_tensor.data);
    free(holder);
}

struct DLManagedTensorVersioned *v1_make(int32_t ndim, const int64_t *shape, const int64_t *strides, uint64_t byte_offset,
                                  uint8_t code, uint8_t bits, uint16_t lanes, int32_t device_type,
                                  const float *values, uint64_t flags, uint32_t major, uint32_t minor) {
    v1_holder *holder = calloc(1, sizeof(v1_holder));
    if (holder == NULL) return NULL;
    int64_t fill_strides[TEST_MAX_NDIM];
    int64_t buffer_bytes;
    if (init_tensor(&holder->managed.dl_tensor, holder->shape, holder->strides, ndim, shape, strides, byte_offset,
                    code, bits, lanes, device_type, fill_strides, &buffer_bytes) != 0) {
        free(holder);
        return NULL;
    }
    fill(&holder->managed.dl_tensor, fill_strides, buffer_bytes, values);
    holder->managed.version.major = major;
    holder->managed.version.minor = minor;
    holder->managed.flags = flags;
    holder->managed.manager_ctx = holder;
    holder->managed.deleter = v1_deleter;
    if (track(holder) != 0) {
        free(holder->managed.dl_tensor.data);
        free(holder);
        return NULL;
    }
    made++;
    return &holder->managed;
}

void *v1_data(struct DLManagedTensorVersioned *managed) { return managed->dl_tensor.data; }
int v1_read(struct DLManagedTensorVersioned *managed, float *out, int64_t n) {
    return read_tensor(&managed->dl_tensor, out, n);
}
/* Writes through the tensor, as a consumer may unless it is flagged read-only; -5 when it is. */
int v1_scale(struct DLManagedTensorVersioned *managed, float factor) {
    if (managed->flags & DLPACK_FLAG_BITMASK_READ_ONLY) return -5;
    return scale_tensor(&managed->dl_tensor, factor);
}
void v1_call_deleter(struct DLManagedTensorVersioned *managed) {
    if (managed->deleter != NULL) managed->deleter(managed);
}
/*
 * The header fields as a consumer sees them: version major, minor, flags, device type, device id, ndim, dtype
 * code, bits, lanes, data + byte_offset, byte_offset, strides == NULL, then shape[ndim] and strides[ndim].
 */
void v1_describe(struct DLManagedTensorVersioned *managed, int64_t *out) {
    DLTensor *t = &managed->dl_tensor;
    out[0] = managed->version.major;
    out[1] = managed->version.minor;
    out[2] = (int64_t) managed->flags;
    out[3] = t->device.device_type;
    out[4] = t->device.device_id;
    out[5] = t->ndim;
    out[6] = t->dtype.code;
    out[7] = t->dtype.bits;
    out[8] = t->dtype.lanes;
    out[9] = (int64_t) ((uintptr_t) t->data + t->byte_offset);
    out[10] = (int64_t) t->byte_offset;
    out[11] = t->strides == NULL;
    for (int32_t i = 0; i < t->ndim && i < TEST_MAX_NDIM; i++) {
        out[12 + i] = t->shape[i];
        out[12 + t->ndim + i] = t->strides != NULL ? t->strides[i] : -1;
    }
}
int64_t v1_made(void) { return made; }
int64_t v1_deleted(void) { return deleted; }
int64_t v1_bad_deletes(void) { return bad_deletes; }
