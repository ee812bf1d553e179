#!/usr/bin/env python3
"""Writes the ONNX models the ONNX Runtime benchmarks run (stdlib only, no onnx package).

    python3 bench/models/make_models.py [output-folder]

Each model is a ModelProto (IR version 7, opset_import {domain "", version 13}) whose graph holds one node,
Softmax or LogSoftmax with axis = -1, from input "x" to output "y", both float tensors of shape [N, C]
with symbolic dimensions, so one file serves every benchmark shape. The protobuf wire format is written by
hand below; the field numbers are those of onnx/onnx.proto (ONNX 1.8+, unchanged since).
The attention models (issue 14) run the attention workloads as ONNX graphs: y = Softmax(Where(mask,
Mul(x, scale), -inf)) (attention_mask.onnx) and y = Softmax(Add(Mul(x, scale), bias)) (attention_bias.onnx),
axis -1, with inputs of any rank (no shape in the graph; numpy broadcasting as ONNX defines it).
The output is deterministic: running the script again yields byte-identical files.
"""
import os
import struct
import sys

# --- protobuf wire format -------------------------------------------------------------------------------

def varint(value):
    if value < 0:
        value += 1 << 64  # int64 fields: two's complement, 10 bytes
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

def int_field(field, value):          # wire type 0: varint (int32, int64, enum)
    return key(field, 0) + varint(value)

def bytes_field(field, payload):      # wire type 2: length-delimited (string, bytes, message)
    return key(field, 2) + varint(len(payload)) + payload

def str_field(field, text):
    return bytes_field(field, text.encode("utf-8"))

# --- ONNX messages (onnx.proto field numbers) -------------------------------------------------------------

TENSOR_FLOAT = 1           # TensorProto.DataType.FLOAT
TENSOR_BOOL = 9            # TensorProto.DataType.BOOL
ATTRIBUTE_INT = 2          # AttributeProto.AttributeType.INT

def dimension(param):      # TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
    return str_field(2, param)

def value_info(name, dims):
    shape = b"".join(bytes_field(1, dimension(d)) for d in dims)   # TensorShapeProto.dim = 1
    tensor = int_field(1, TENSOR_FLOAT) + bytes_field(2, shape)     # TypeProto.Tensor: elem_type 1, shape 2
    type_proto = bytes_field(1, tensor)                              # TypeProto.tensor_type = 1
    return str_field(1, name) + bytes_field(2, type_proto)          # ValueInfoProto: name 1, type 2

def value_info_any_shape(name, elem_type):
    tensor = int_field(1, elem_type)                                 # TypeProto.Tensor: elem_type only, no shape
    return str_field(1, name) + bytes_field(2, bytes_field(1, tensor))

def scalar_float(name, value):        # TensorProto: dims 1 (none: a scalar), data_type 2, name 8, raw_data 9
    return int_field(2, TENSOR_FLOAT) + str_field(8, name) + bytes_field(9, struct.pack("<f", value))

def general_node(op_type, inputs, output, attributes=b""):
    return (b"".join(str_field(1, x) for x in inputs) + str_field(2, output) + str_field(3, output + "_node")
            + str_field(4, op_type) + attributes + str_field(7, ""))

def attention_model(kind):
    """kind 'mask': Softmax(Where(mask, x * scale, -inf)); kind 'bias': Softmax(x * scale + bias)."""
    nodes = general_node("Mul", ["x", "scale"], "scaled")
    if kind == "mask":
        nodes = bytes_field(1, nodes) + bytes_field(1, general_node("Where", ["mask", "scaled", "neg_inf"], "z"))
        extra = bytes_field(11, value_info_any_shape("mask", TENSOR_BOOL))
        initializers = bytes_field(5, scalar_float("neg_inf", float("-inf")))   # GraphProto.initializer = 5
    else:
        nodes = bytes_field(1, nodes) + bytes_field(1, general_node("Add", ["scaled", "bias"], "z"))
        extra = bytes_field(11, value_info_any_shape("bias", TENSOR_FLOAT))
        initializers = b""
    nodes += bytes_field(1, general_node("Softmax", ["z"], "y", bytes_field(5, attribute_int("axis", -1))))
    graph = (nodes
             + str_field(2, "attention_" + kind + "_graph")
             + initializers
             + bytes_field(11, value_info_any_shape("x", TENSOR_FLOAT))
             + bytes_field(11, value_info_any_shape("scale", TENSOR_FLOAT))
             + extra
             + bytes_field(12, value_info_any_shape("y", TENSOR_FLOAT)))
    return wrap_graph(graph)

def wrap_graph(graph):
    opset = str_field(1, "") + int_field(2, 13)                      # OperatorSetIdProto: domain 1, version 2
    return (int_field(1, 7)                                          # ModelProto.ir_version = 1 (IR v7 = opset 13 era)
            + str_field(2, "softmax-engine bench/models/make_models.py")  # producer_name = 2
            + str_field(3, "1")                                      # producer_version = 3
            + bytes_field(7, graph)                                  # graph = 7
            + bytes_field(8, opset))                                 # opset_import = 8

def attribute_int(name, value):       # AttributeProto: name 1, i 3, type 20
    return str_field(1, name) + int_field(3, value) + int_field(20, ATTRIBUTE_INT)

def node(op_type, x, y, axis):        # NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7
    return (str_field(1, x) + str_field(2, y) + str_field(3, op_type.lower()) + str_field(4, op_type)
            + bytes_field(5, attribute_int("axis", axis)) + str_field(7, ""))

def model(op_type):
    graph = (bytes_field(1, node(op_type, "x", "y", -1))           # GraphProto.node = 1
             + str_field(2, op_type.lower() + "_graph")             # GraphProto.name = 2
             + bytes_field(11, value_info("x", ["N", "C"]))         # GraphProto.input = 11
             + bytes_field(12, value_info("y", ["N", "C"])))        # GraphProto.output = 12
    opset = str_field(1, "") + int_field(2, 13)                      # OperatorSetIdProto: domain 1, version 2
    return (int_field(1, 7)                                          # ModelProto.ir_version = 1 (IR v7 = opset 13 era)
            + str_field(2, "softmax-engine bench/models/make_models.py")  # producer_name = 2
            + str_field(3, "1")                                      # producer_version = 3
            + bytes_field(7, graph)                                  # graph = 7
            + bytes_field(8, opset))                                 # opset_import = 8

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "src", "main", "resources", "dev", "softmax", "bench", "models")
    folder = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else default)
    os.makedirs(folder, exist_ok=True)
    models = [(file_name, model(op_type))
              for op_type, file_name in (("Softmax", "softmax.onnx"), ("LogSoftmax", "log_softmax.onnx"))]
    models += [("attention_" + kind + ".onnx", attention_model(kind)) for kind in ("mask", "bias")]
    for file_name, data in models:
        path = os.path.join(folder, file_name)
        with open(path, "wb") as out:
            out.write(data)
        print(f"wrote {path} ({len(data)} bytes)")

if __name__ == "__main__":
    main()
