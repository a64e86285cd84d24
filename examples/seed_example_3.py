import fastgraph as tf
tf.compat.v1.disable_eager_execution()

# Define a placeholder for image data
image_placeholder = tf.compat.v1.placeholder(dtype=tf.uint8, shape=[None, None, 3])  # Example: assuming RGB image

# Define a simple operation with a placeholder, such as resizing an image
resized_image = tf.image.resize(images=tf.expand_dims(image_placeholder, axis=0), size=[256, 256])

with tf.compat.v1.Session() as sess:
    #Placeholder is filled with a real image, that is loaded from disk implicitly
    #Here, we use a constant. However, an image would first be loaded into memory.
    mock_image = [[[255,0,0],[0,255,0],[0,0,255]],[[255,255,0],[0,255,255],[255,0,255]]]
    mock_image = tf.constant(mock_image, dtype=tf.uint8) # Create a constant tensor representing the loaded image

    result = sess.run(resized_image, feed_dict={image_placeholder: mock_image})

    print(f"Resized image tensor shape {result.shape}")
    #Here, session would automatically deallocate associated memory when finished.
    #The resource deallocation is implicit, within the session context.
