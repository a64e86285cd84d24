import fastgraph as tf
tf.compat.v1.disable_eager_execution()
# Define placeholders for input
input_tensor_1 = tf.compat.v1.placeholder(dtype=tf.float32, shape=[None, 2])
input_tensor_2 = tf.compat.v1.placeholder(dtype=tf.float32, shape=[None, 2])

# Operation using placeholders
sum_operation = tf.add(input_tensor_1, input_tensor_2)

# Create a session
with tf.compat.v1.Session() as sess:

    # Input data
    data_1 = [[1, 2], [3, 4], [5, 6]]
    data_2 = [[7, 8], [9, 10], [11, 12]]

    # Execute the sum operation, providing values for the placeholders
    result = sess.run(sum_operation, feed_dict={input_tensor_1: data_1, input_tensor_2: data_2})
    print(f"Sum result: {result}")

    data_1 = [[1,1],[1,1],[1,1]]
    data_2 = [[2,2],[2,2],[2,2]]
    result = sess.run(sum_operation, feed_dict={input_tensor_1: data_1, input_tensor_2: data_2})
    print(f"Sum result: {result}")
