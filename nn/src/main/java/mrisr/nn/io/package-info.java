/**
 * Model files: {@link mrisr.nn.io.SafeTensors} reads and writes the safetensors format with strict
 * validation ({@link mrisr.nn.io.SafeTensorsException} says which rule a file broke) and atomic
 * writes.
 */
package mrisr.nn.io;
