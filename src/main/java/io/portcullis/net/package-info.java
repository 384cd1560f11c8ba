/**
 * Socket plumbing under the wire protocol: reading a socket's bytes as Netty delivers them, without
 * the copy Vert.x makes of every read, and the ownership rules that come with that (every chunk read
 * is either written once, which hands it to Netty, or released).
 *
 * <p>May use: nothing of ours (Vert.x and Netty only).
 */
package io.portcullis.net;
