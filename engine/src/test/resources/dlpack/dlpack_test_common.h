/*
 * Shared by the DLPack 0.x and 1.x test producers/consumers (dlpack_v0_test.c, dlpack_v1_test.c): fills and
 * reads a DLTensor through its shape, strides and byte_offset, as a DLPack producer and consumer do. Compiled by
 * the engine's tests with gcc; not part of the library.
 */
#ifndef SOFTMAX_DLPACK_TEST_COMMON_H
#define SOFTMAX_DLPACK_TEST_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TEST_MAX_NDIM 16

/* Element size in bytes of the three float types the engine reads; 0 for anything else. */
static inline int64_t element_bytes(DLDataType t) {
    if (t.lanes != 1) return 0;
    if (t.code == kDLFloat && (t.bits == 32 || t.bits == 16)) return t.bits / 8;
    if (t.code == kDLBfloat && t.bits == 16) return 2;
    return 0;
}

static inline void row_major(int32_t ndim, const int64_t *shape, int64_t *strides) {
    int64_t stride = 1;
    for (int32_t i = ndim - 1; i >= 0; i--) {
        strides[i] = stride;
        stride *= shape[i] > 0 ? shape[i] : 1;
    }
}

static inline int64_t element_count(int32_t ndim, const int64_t *shape) {
    int64_t n = 1;
    for (int32_t i = 0; i < ndim; i++) n *= shape[i];
    return n;
}

/* Bytes from data to one past the last element addressed, byte_offset included. */
static inline int64_t span_bytes(const DLTensor *t, const int64_t *strides) {
    int64_t last = 0;
    if (element_count(t->ndim, t->shape) == 0) return (int64_t) t->byte_offset;
    for (int32_t i = 0; i < t->ndim; i++) last += (t->shape[i] - 1) * strides[i];
    int64_t size = element_bytes(t->dtype) > 0 ? element_bytes(t->dtype) : (t->dtype.bits * t->dtype.lanes + 7) / 8;
    return (int64_t) t->byte_offset + (last + 1) * size;
}

/* Byte offset from data of the element with row-major logical index `linear`. */
static inline int64_t element_offset(const DLTensor *t, const int64_t *strides, int64_t linear, int64_t size) {
    int64_t offset = 0;
    for (int32_t i = t->ndim - 1; i >= 0; i--) {
        int64_t index = linear % t->shape[i];
        linear /= t->shape[i];
        offset += index * strides[i];
    }
    return (int64_t) t->byte_offset + offset * size;
}

static inline void store(void *at, DLDataType type, float value) {
    if (type.code == kDLFloat && type.bits == 32) {
        memcpy(at, &value, 4);
    } else if (type.code == kDLFloat && type.bits == 16) {
        _Float16 half = (_Float16) value;
        memcpy(at, &half, 2);
    } else {
        uint32_t bits;
        memcpy(&bits, &value, 4);
        bits += 0x7FFF + ((bits >> 16) & 1); /* round to nearest even (no NaN in the tests) */
        uint16_t upper = (uint16_t) (bits >> 16);
        memcpy(at, &upper, 2);
    }
}

static inline float load(const void *at, DLDataType type) {
    if (type.code == kDLFloat && type.bits == 32) {
        float value;
        memcpy(&value, at, 4);
        return value;
    }
    if (type.code == kDLFloat && type.bits == 16) {
        _Float16 half;
        memcpy(&half, at, 2);
        return (float) half;
    }
    uint16_t upper;
    memcpy(&upper, at, 2);
    uint32_t bits = (uint32_t) upper << 16;
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

/*
 * Fills the tensor's elements (logical row-major order) from values and every other byte of the buffer with
 * 0xAB, so a reader that ignores strides or byte_offset reads garbage. Unsupported types are left as 0xAB.
 */
static inline void fill(DLTensor *t, const int64_t *strides, int64_t buffer_bytes, const float *values) {
    memset(t->data, 0xAB, (size_t) buffer_bytes);
    int64_t size = element_bytes(t->dtype);
    if (size == 0 || values == NULL) return;
    int64_t n = element_count(t->ndim, t->shape);
    for (int64_t i = 0; i < n; i++) {
        store((char *) t->data + element_offset(t, strides, i, size), t->dtype, values[i]);
    }
}

/*
 * The consumer's read: checks the fields a CPU float consumer needs and copies the elements, in logical
 * row-major order, into out (n elements). Returns 0, or a negative code naming what was wrong.
 */
static inline int read_tensor(const DLTensor *t, float *out, int64_t n) {
    if (t->device.device_type != kDLCPU) return -1;
    int64_t size = element_bytes(t->dtype);
    if (size == 0) return -2;
    if (t->ndim < 1 || t->ndim > TEST_MAX_NDIM) return -3;
    if (element_count(t->ndim, t->shape) != n) return -4;
    int64_t strides[TEST_MAX_NDIM];
    if (t->strides != NULL) {
        memcpy(strides, t->strides, sizeof(int64_t) * (size_t) t->ndim);
    } else {
        row_major(t->ndim, t->shape, strides);
    }
    for (int64_t i = 0; i < n; i++) {
        out[i] = load((const char *) t->data + element_offset(t, strides, i, size), t->dtype);
    }
    return 0;
}

/* Multiplies every element in place (the consumer writing through the tensor). Returns 0 or a negative code. */
static inline int scale_tensor(DLTensor *t, float factor) {
    int64_t size = element_bytes(t->dtype);
    if (size == 0) return -2;
    int64_t strides[TEST_MAX_NDIM];
    if (t->strides != NULL) {
        memcpy(strides, t->strides, sizeof(int64_t) * (size_t) t->ndim);
    } else {
        row_major(t->ndim, t->shape, strides);
    }
    int64_t n = element_count(t->ndim, t->shape);
    for (int64_t i = 0; i < n; i++) {
        char *at = (char *) t->data + element_offset(t, strides, i, size);
        store(at, t->dtype, load(at, t->dtype) * factor);
    }
    return 0;
}

/* Sets the common DLTensor fields and allocates its buffer; returns the strides to fill with, or -1 on failure. */
static inline int init_tensor(DLTensor *t, int64_t *shape_store, int64_t *strides_store, int32_t ndim, const int64_t *shape,
                       const int64_t *strides, uint64_t byte_offset, uint8_t code, uint8_t bits, uint16_t lanes,
                       int32_t device_type, int64_t *fill_strides, int64_t *buffer_bytes) {
    if (ndim < 0 || ndim > TEST_MAX_NDIM) return -1;
    memcpy(shape_store, shape, sizeof(int64_t) * (size_t) ndim);
    t->ndim = ndim;
    t->shape = shape_store;
    if (strides != NULL) {
        memcpy(strides_store, strides, sizeof(int64_t) * (size_t) ndim);
        memcpy(fill_strides, strides, sizeof(int64_t) * (size_t) ndim);
        t->strides = strides_store;
    } else {
        row_major(ndim, shape, fill_strides);
        t->strides = NULL;
    }
    t->byte_offset = byte_offset;
    t->dtype.code = code;
    t->dtype.bits = bits;
    t->dtype.lanes = lanes;
    t->device.device_type = (DLDeviceType) device_type;
    t->device.device_id = 0;
    *buffer_bytes = span_bytes(t, fill_strides);
    if (*buffer_bytes < 1) *buffer_bytes = 1;
    t->data = malloc((size_t) *buffer_bytes);
    return t->data == NULL ? -1 : 0;
}

#endif
