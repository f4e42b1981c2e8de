"""RMSProp's update of a large variable as one in-place pass, compiled by XLA.

Keras's ``RMSprop.update_step`` is a chain of element-wise operations, each of which
allocates a tensor the size of the variable: at the paper's size (a 25088 x 1440 input
kernel, 145 MB) one update holds four of them at once, 0.54 GiB above the model's state,
which TensorFlow's CPU allocator then keeps for the rest of the process (measured with a
memory profile of successive fits). The same formula compiled by XLA,

    velocity <- rho * velocity + (1 - rho) * g**2
    variable <- variable - lr * g / sqrt(velocity + epsilon)

is one loop that reads and writes the two variables in place, with no temporary, and runs
in a third of the time. :func:`fused_rmsprop_updates` makes a model's optimizer update its
variables of at least ``FUSE_ABOVE`` weights this way for the time of one training run;
smaller ones keep Keras's update. The optimizer's state is Keras's (its velocities), so a
fitted model saves, loads and goes on training as with Keras's update.

The compiled function takes the variables as arguments, so one function (and one XLA
program per shape) serves every model of the process: a search of hundreds of fits
compiles it once.
"""

import contextlib
import functools
import math

# Variables of at least this many weights are updated by the compiled pass; it is the
# input kernel of the paper's LSTM (25088 x 1440) and of anything near that size.
FUSE_ABOVE = 1 << 20


@contextlib.contextmanager
def fused_rmsprop_updates(model):
    """Within the block, the compiled Keras ``model``'s train step updates its large
    variables with the compiled pass.

    Does nothing (Keras's own update runs) unless the backend is TensorFlow and the
    model's optimizer (or the optimizer inside a ``LossScaleOptimizer``) is a plain,
    uncentred ``keras.optimizers.RMSprop`` without momentum, as ``build_lstm_model`` makes.
    Only that optimizer instance is changed, and only until the block ends, when the
    model's train step traced in the block is dropped (Keras traces it anew at its next
    use, with Keras's update). A model given the compiled pass for good
    (:func:`install_fused_rmsprop`) keeps it, and its traced train step, after the block.
    """
    rmsprop = _plain_rmsprop(model.optimizer)
    if rmsprop is None or "update_step" in vars(rmsprop):
        yield
        return
    install_fused_rmsprop(model)
    try:
        yield
    finally:
        del rmsprop.update_step
        model.train_function = None


def install_fused_rmsprop(model):
    """Give ``model``'s optimizer the compiled pass for good (see
    :func:`fused_rmsprop_updates`), so that training runs one after the other
    (``partial_fit``, ``warm_start``) reuse one traced train step."""
    rmsprop = _plain_rmsprop(model.optimizer)
    if rmsprop is None or "update_step" in vars(rmsprop):
        return
    keras_update_step = rmsprop.update_step

    def update_step(gradient, variable, learning_rate):
        if math.prod(variable.shape) < FUSE_ABOVE:
            return keras_update_step(gradient, variable, learning_rate)
        import tensorflow as tf

        velocity = rmsprop._velocities[rmsprop._get_variable_index(variable)]
        dtype = variable.dtype
        return _compiled_rmsprop_update()(
            _tf_variable(variable).handle, _tf_variable(velocity).handle,
            tf.cast(gradient, dtype), tf.cast(learning_rate, dtype),
            tf.constant(rmsprop.rho, dtype), tf.constant(rmsprop.epsilon, dtype),
        )

    model.train_function = None  # a step traced before has Keras's update
    rmsprop.update_step = update_step


@functools.cache
def _compiled_rmsprop_update():
    """The XLA-compiled update, made once per process (importing TensorFlow)."""
    import tensorflow as tf

    @tf.function(jit_compile=True, autograph=False)
    def rmsprop_update(variable, velocity, gradient, learning_rate, rho, epsilon):
        # Keras's RMSprop.update_step without momentum or centring, term for term. The
        # variables come as resource handles: a tf.Variable argument would tie the traced
        # function to the variables of the first model.
        dtype = gradient.dtype
        new_velocity = (rho * tf.raw_ops.ReadVariableOp(resource=velocity, dtype=dtype)
                        + (1 - rho) * tf.square(gradient))
        tf.raw_ops.AssignVariableOp(resource=velocity, value=new_velocity)
        tf.raw_ops.AssignSubVariableOp(
            resource=variable, value=learning_rate * gradient / tf.sqrt(new_velocity + epsilon))

    return rmsprop_update


def _plain_rmsprop(optimizer):
    """The RMSprop instance whose update the compiled pass computes, or None."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return None
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # loss scaling
    if type(optimizer) is not keras.optimizers.RMSprop:
        return None
    if optimizer.momentum or optimizer.centered:
        return None
    return optimizer


def _tf_variable(variable):
    """The ``tf.Variable`` behind a Keras variable (or the variable itself)."""
    import keras

    return variable.value if isinstance(variable, keras.Variable) else variable
