/** Installs every gradient rule (imported once by the public API). */
import './elementwise.js';
import './reduce.js';
import './matmul.js';
import './movement.js';
import './indexing.js';
import './fused-rnn.js';
