"""The types a network can compute in, and the Keras dtype policy of each.

float32, or Keras's mixed precision with float32 weights and bfloat16 (fast on CPUs with
AVX512-BF16 or AMX, and on recent GPUs) or float16 (GPUs with tensor cores).
"""

COMPUTE_DTYPES = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}
