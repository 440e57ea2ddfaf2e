/**
 * Helpers that keep DJL arrays valid for PyTorch's autograd (see {@link
 * org.orzspark.autograd.Scalars}) and move values between engine arrays and Java in bounded chunks
 * (see {@link org.orzspark.autograd.HostChunks}).
 */
package org.orzspark.autograd;
