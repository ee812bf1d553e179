#!/usr/bin/env python3
"""Writes the LM-shaped ONNX models of the zero-copy decode loop (stdlib only, no onnx package).

    python3 examples/models/make_lm_models.py

Every model has the same graph, an embedding lookup followed by a projection to the vocabulary:

    token_ids int64 [batch]  --Gather(embedding [V, D])-->  [batch, D]  --MatMul(projection [D, V])-->  logits f32 [batch, V]

with "batch" a symbolic dimension, so one file serves every batch size. Three files:

- examples/src/main/resources/dev/softmax/examples/bigram_lm.onnx: a word-level bigram model estimated on
  examples/models/alice.txt (the opening of "Alice's Adventures in Wonderland", Lewis Carroll, 1865; public
  domain). V = the distinct tokens of the text (words and punctuation), D = V, embedding[i] = log P(next | i)
  with add-0.01 smoothing, projection = the identity: the logits of token i are the log-probabilities of the
  word that follows i in the text, so sampled continuations read as recombined phrases of the text. The
  vocabulary travels in the model's metadata ("vocabulary": one token per line, id = line number).
- examples/src/main/resources/dev/softmax/examples/lm_32000.onnx: V = 32000, D = 16, for timing. Its weights
  are not stored: the graph computes them from the token index with Range, Cos and Sin (deterministic, and
  constant-folded by ONNX Runtime when the session is created), so the file stays a few kilobytes.
  embedding[i, d] = cos(0.7548776662 (d + 1) i + d), projection[d, j] = 0.5 sin(0.5698402910 (d + 1) j + 2 d):
  logits with a standard deviation of about 1.4 and no regular pattern across the vocabulary.
- interop-onnxruntime/src/test/resources/dev/softmax/onnxruntime/tiny_lm.onnx: V = 8, D = 4, small integer
  weights (embedding[i, d] = (i + d) mod 3 - 1, projection[d, j] = (d * j) mod 5 - 2), so a test can compute
  the logits by hand; and tiny_lm_2d.onnx, the same with token_ids [batch, sequence] -> logits
  [batch, sequence, V] (two symbolic dimensions).

The protobuf wire format is written by hand, as in bench/models/make_models.py; field numbers are those of
onnx/onnx.proto. The output is deterministic: running the script again yields byte-identical files.
"""
import math
import os
import re
import struct

# --- protobuf wire format -------------------------------------------------------------------------------

def varint(value):
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)

def key(field, wire_type):
    return varint((field << 3) | wire_type)

def int_field(field, value):
    return key(field, 0) + varint(value)

def float_field(field, value):        # wire type 5: 32-bit
    return key(field, 5) + struct.pack("<f", value)

def bytes_field(field, payload):
    return key(field, 2) + varint(len(payload)) + payload

def str_field(field, text):
    return bytes_field(field, text.encode("utf-8"))

# --- ONNX messages -----------------------------------------------------------------------------------------

FLOAT, INT64 = 1, 7        # TensorProto.DataType

def dimension(d):          # TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
    return int_field(1, d) if isinstance(d, int) else str_field(2, d)

def value_info(name, elem_type, dims):
    shape = b"".join(bytes_field(1, dimension(d)) for d in dims)
    tensor = int_field(1, elem_type) + bytes_field(2, shape)
    return str_field(1, name) + bytes_field(2, bytes_field(1, tensor))

def tensor_proto(name, elem_type, dims, values):   # dims 1, data_type 2, name 8, raw_data 9
    fmt = "<%d%s" % (len(values), "f" if elem_type == FLOAT else "q")
    return (b"".join(int_field(1, d) for d in dims) + int_field(2, elem_type) + str_field(8, name)
            + bytes_field(9, struct.pack(fmt, *values)))

def node(op_type, inputs, outputs, name):   # NodeProto: input 1, output 2, name 3, op_type 4
    return (b"".join(str_field(1, i) for i in inputs) + b"".join(str_field(2, o) for o in outputs)
            + str_field(3, name) + str_field(4, op_type))

def model(graph_name, nodes, initializers, ids_dims, logits_dims, metadata=()):
    graph = (b"".join(bytes_field(1, n) for n in nodes)
             + str_field(2, graph_name)
             + b"".join(bytes_field(5, t) for t in initializers)
             + bytes_field(11, value_info("token_ids", INT64, ids_dims))
             + bytes_field(12, value_info("logits", FLOAT, logits_dims)))
    opset = str_field(1, "") + int_field(2, 13)
    props = b"".join(bytes_field(14, str_field(1, k) + str_field(2, v)) for k, v in metadata)
    return (int_field(1, 7) + str_field(2, "softmax-engine examples/models/make_lm_models.py") + str_field(3, "1")
            + bytes_field(7, graph) + bytes_field(8, opset) + props)

def lm_graph(embedding_dims, embedding, projection_dims, projection):
    nodes = [node("Gather", ["embedding", "token_ids"], ["hidden"], "embed"),
             node("MatMul", ["hidden", "projection"], ["logits"], "project")]
    initializers = [tensor_proto("embedding", FLOAT, embedding_dims, embedding),
                    tensor_proto("projection", FLOAT, projection_dims, projection)]
    return nodes, initializers

# --- the bigram model ---------------------------------------------------------------------------------------

TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")

def bigram_model(text):
    tokens = TOKEN.findall(text.lower())
    vocabulary = sorted(set(tokens))
    index = {t: i for i, t in enumerate(vocabulary)}
    v = len(vocabulary)
    counts = [[0] * v for _ in range(v)]
    for a, b in zip(tokens, tokens[1:]):
        counts[index[a]][index[b]] += 1
    embedding = []
    for row in counts:
        total = sum(row) + 0.01 * v
        embedding.extend(math.log((c + 0.01) / total) for c in row)
    identity = [1.0 if i == j else 0.0 for i in range(v) for j in range(v)]
    nodes, initializers = lm_graph([v, v], embedding, [v, v], identity)
    return model("bigram_lm", nodes, initializers, ["batch"], ["batch", v],
                 [("vocabulary", "\n".join(vocabulary)), ("source", "alice.txt, word bigrams, add-0.01 smoothing")])

# --- the V = 32000 timing model -------------------------------------------------------------------------------

def generated_lm(v, d):
    f = lambda name, dims, values: tensor_proto(name, FLOAT, dims, values)
    i = lambda name, dims, values: tensor_proto(name, INT64, dims, values)
    initializers = [
        f("zero", [], [0.0]), f("limit", [], [float(v)]), f("one", [], [1.0]),
        i("column_shape", [2], [v, 1]), i("row_shape", [2], [1, v]),
        f("embedding_frequency", [1, d], [0.7548776662 * (k + 1) for k in range(d)]),
        f("embedding_phase", [1, d], [float(k) for k in range(d)]),
        f("projection_frequency", [d, 1], [0.5698402910 * (k + 1) for k in range(d)]),
        f("projection_phase", [d, 1], [2.0 * k for k in range(d)]),
        f("projection_scale", [], [0.5]),
    ]
    nodes = [
        node("Range", ["zero", "limit", "one"], ["index"], "index"),
        node("Reshape", ["index", "column_shape"], ["index_column"], "index_column"),
        node("Reshape", ["index", "row_shape"], ["index_row"], "index_row"),
        node("Mul", ["index_column", "embedding_frequency"], ["embedding_angle"], "embedding_angle"),
        node("Add", ["embedding_angle", "embedding_phase"], ["embedding_shifted"], "embedding_shifted"),
        node("Cos", ["embedding_shifted"], ["embedding"], "embedding"),
        node("Mul", ["projection_frequency", "index_row"], ["projection_angle"], "projection_angle"),
        node("Add", ["projection_angle", "projection_phase"], ["projection_shifted"], "projection_shifted"),
        node("Sin", ["projection_shifted"], ["projection_unit"], "projection_unit"),
        node("Mul", ["projection_unit", "projection_scale"], ["projection"], "projection"),
        node("Gather", ["embedding", "token_ids"], ["hidden"], "embed"),
        node("MatMul", ["hidden", "projection"], ["logits"], "project"),
    ]
    return model("lm_%d" % v, nodes, initializers, ["batch"], ["batch", v])

# --- the tiny test models ---------------------------------------------------------------------------------------

def tiny_lm(two_dimensional):
    v, d = 8, 4
    embedding = [float((a + b) % 3 - 1) for a in range(v) for b in range(d)]
    projection = [float((a * b) % 5 - 2) for a in range(d) for b in range(v)]
    nodes, initializers = lm_graph([v, d], embedding, [d, v], projection)
    if two_dimensional:
        return model("tiny_lm_2d", nodes, initializers, ["batch", "sequence"], ["batch", "sequence", v])
    return model("tiny_lm", nodes, initializers, ["batch"], ["batch", v])

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    print(f"wrote {os.path.relpath(path)} ({len(data)} bytes)")

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    examples = os.path.join(root, "examples", "src", "main", "resources", "dev", "softmax", "examples")
    tests = os.path.join(root, "interop-onnxruntime", "src", "test", "resources", "dev", "softmax", "onnxruntime")
    with open(os.path.join(here, "alice.txt"), encoding="utf-8") as f:
        write(os.path.join(examples, "bigram_lm.onnx"), bigram_model(f.read()))
    write(os.path.join(examples, "lm_32000.onnx"), generated_lm(32000, 16))
    write(os.path.join(tests, "tiny_lm.onnx"), tiny_lm(False))
    write(os.path.join(tests, "tiny_lm_2d.onnx"), tiny_lm(True))

if __name__ == "__main__":
    main()
