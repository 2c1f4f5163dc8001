/** onnx-export test setup: the shared tensor/buffer leak check of @recur/tensor/testing. */
import '@recur/tensor/testing/setup';
