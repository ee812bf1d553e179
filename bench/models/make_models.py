#!/usr/bin/env python3
"""Writes the two one-node ONNX models the ONNX Runtime benchmarks run (stdlib only, no onnx package).

    python3 bench/models/make_models.py [output-folder]

Each model is a ModelProto (IR version 7, opset_import {domain "", version 13}) whose graph holds one node,
Softmax or LogSoftmax with axis = -1, from input "x" to output "y", both float tensors of shape [N, C]
with symbolic dimensions, so one file serves every benchmark shape. The protobuf wire format is written by
hand below; the field numbers are those of onnx/onnx.proto (ONNX 1.8+, unchanged since).
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
ATTRIBUTE_INT = 2          # AttributeProto.AttributeType.INT

def dimension(param):      # TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
    return str_field(2, param)

def value_info(name, dims):
    shape = b"".join(bytes_field(1, dimension(d)) for d in dims)   # TensorShapeProto.dim = 1
    tensor = int_field(1, TENSOR_FLOAT) + bytes_field(2, shape)     # TypeProto.Tensor: elem_type 1, shape 2
    type_proto = bytes_field(1, tensor)                              # TypeProto.tensor_type = 1
    return str_field(1, name) + bytes_field(2, type_proto)          # ValueInfoProto: name 1, type 2

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
    for op_type, file_name in (("Softmax", "softmax.onnx"), ("LogSoftmax", "log_softmax.onnx")):
        path = os.path.join(folder, file_name)
        data = model(op_type)
        with open(path, "wb") as out:
            out.write(data)
        print(f"wrote {path} ({len(data)} bytes)")

if __name__ == "__main__":
    main()
