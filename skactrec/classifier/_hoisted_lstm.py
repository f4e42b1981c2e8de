"""``HoistedLSTM``: Keras's LSTM with the input projection of every frame done as one product.

The paper's LSTM reads 40 frames of 25088 features. In Keras's generic LSTM each time step
multiplies its frame by the ``25088 x 4n`` input kernel inside the recurrence: 40 small
products per batch, and as many per-step kernel gradients. Here the projection of all the
frames of a batch, ``X @ kernel + bias``, is one ``(batch * frames) x 25088`` product before
the recurrence (its gradient is one product too), and the recurrence carries only
``h @ recurrent_kernel``. It is the same function with the same weights: the layer *is* a
``keras.layers.LSTM`` (same variables, layout, gate order i, f, c, o, configuration and
dropout masks), so its weights load into a plain ``keras.layers.LSTM``. Under Keras's mixed
precision the projection runs in the compute dtype (bfloat16, float16) and the recurrence in
float32: a bfloat16 cell state, rounded at every frame, cost accuracy on the synthetic task
(``benchmarks/bench_memory.py --accuracy-only``), and the recurrence is a small part of the
work.

The hoisted loop runs on GPUs too: on an H200 (Keras's JAX backend) a training step at the
paper's size took 5.5 ms against 6.5 ms for cuDNN's LSTM, and cuDNN's LSTM there fails to
compile in float16 and bfloat16, where Keras's own LSTM then crashes
(``benchmarks/bench_fit_gpu.py``). ``use_cudnn=True`` asks for cuDNN as in
``keras.layers.LSTM``.

On frames that are mostly zeros (VGG16's features of real frames), ``input_product =
"sparse"`` computes the projection and its kernel gradient from the nonzeros
(:mod:`._sparse_projection`), in float32 on the CPU with TensorFlow. It is a setting of
the computation, not of the network: it is not in the layer's config, and the
classifier sets it at each fit and prediction.

This module imports Keras: import it only where a model is built or loaded.
"""

import keras
from keras import ops
from keras.src import backend  # backend.rnn: the loop keras.layers.LSTM itself runs

# The package name under which Keras saves the layer (".keras" files, pickles).
KERAS_PACKAGE = "skactrec"


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class HoistedLSTM(keras.layers.LSTM):
    """A ``keras.layers.LSTM`` whose input projection is one matrix product per batch.

    Takes the arguments of ``keras.layers.LSTM``. The hoisted loop runs when the layer is
    called without a mask, recurrent dropout, ``go_backwards``, ``unroll`` or
    ``use_cudnn=True``; otherwise the layer runs as ``keras.layers.LSTM``.
    ``input_product`` is ``"dense"`` (one matrix product) or ``"sparse"`` (from the
    frames' nonzeros; float32 only).
    """

    input_product = "dense"

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if (
            mask is not None
            or self.recurrent_dropout
            or self.go_backwards
            or self.unroll
            or self.use_cudnn is True
        ):
            return super().inner_loop(sequences, initial_state, mask, training=training)

        if training and cell.dropout:
            # The mask keras.layers.LSTM applies to every frame (drawn once per call).
            dropout_mask = cell.get_dropout_mask(sequences[:, 0, :])
            sequences = sequences * ops.expand_dims(dropout_mask, axis=1)
        n_videos, n_frames = ops.shape(sequences)[0], ops.shape(sequences)[1]
        flat = ops.reshape(sequences, (-1, sequences.shape[-1]))
        if self.input_product == "sparse" and flat.dtype == "float32":
            from ._sparse_projection import sparse_projection

            product = sparse_projection(flat, cell.kernel.value)
        else:
            product = ops.matmul(flat, cell.kernel)
        projected = ops.add(product, cell.bias)
        projected = ops.reshape(projected, (n_videos, n_frames, 4 * cell.units))
        recurrent_kernel = cell.recurrent_kernel
        if projected.dtype != "float32":
            # Mixed precision: the projection, nearly all the work, ran in the compute
            # dtype; the recurrence, which carries the state over every frame, runs in
            # float32 on the float32 weights (it costs little).
            with backend.AutocastScope(None):
                recurrent_kernel = ops.convert_to_tensor(cell.recurrent_kernel)
            projected = ops.cast(projected, "float32")
            initial_state = [ops.cast(state, "float32") for state in initial_state]

        def step(z, states):
            h, c = states
            z = ops.add(z, ops.matmul(h, recurrent_kernel))
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
            c = cell.recurrent_activation(z_f) * c + cell.recurrent_activation(
                z_i
            ) * cell.activation(z_c)
            h = cell.recurrent_activation(z_o) * cell.activation(c)
            return h, [h, c]

        return backend.rnn(
            step,
            projected,
            initial_state,
            go_backwards=False,
            return_all_outputs=self.return_sequences,
        )


def use_input_product(model, input_product):
    """Make ``model``'s LSTM (the layer named ``"lstm"``) compute its input projection as
    ``input_product`` says; a train step traced with the other product is dropped."""
    lstm = model.get_layer("lstm")
    if lstm.input_product != input_product:
        lstm.input_product = input_product
        model.train_function = model.predict_function = model.test_function = None
