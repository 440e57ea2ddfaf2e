/**
 * Helpers that keep DJL arrays valid for PyTorch's autograd (see {@link
 * org.orzspark.autograd.Scalars}).
 */
package org.orzspark.autograd;
