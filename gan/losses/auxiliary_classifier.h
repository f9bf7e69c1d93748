// ACGAN's auxiliary classification loss (Odena et al. 2017): the discriminator's class
// head is trained with softmax cross-entropy on real images, and the generator is
// trained to make its fakes classified as the labels they were drawn for.
//
//   torch::Tensor loss = AuxiliaryClassifierLoss(class_logits, labels);  // [N, C], [N]
#ifndef GAN_LOSSES_AUXILIARY_CLASSIFIER_H_
#define GAN_LOSSES_AUXILIARY_CLASSIFIER_H_

#include <torch/types.h>

namespace gan {

// Mean over the batch of -log softmax(class_logits)[i, labels[i]].
// class_logits: [N, C] floating point; labels: int64 [N] with values in [0, C).
torch::Tensor AuxiliaryClassifierLoss(const torch::Tensor& class_logits,
                                      const torch::Tensor& labels);

}  // namespace gan

#endif  // GAN_LOSSES_AUXILIARY_CLASSIFIER_H_
