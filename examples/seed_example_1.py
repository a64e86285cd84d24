import fastgraph as tf

# TensorFlow 1.x style (also conceptual for other contexts)
tf.compat.v1.disable_eager_execution()
# Define a variable
variable = tf.Variable(initial_value=0.0, dtype=tf.float32)

# Define an operation to increment the variable
increment = variable.assign_add(1.0)

# Create a session
with tf.compat.v1.Session() as sess:
    # Initialize the variable before use
    sess.run(tf.compat.v1.global_variables_initializer())

    # Run the increment operation several times
    for _ in range(3):
        result = sess.run(increment)
        print(f"Variable value: {result}")

    # Accessing the variable value after session run
    print(sess.run(variable))
