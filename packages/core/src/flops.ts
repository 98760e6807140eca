/**
 * Parameters and multiply-accumulates of a tfjs-layers model, for one input example.
 *
 * Convention (the one pruning papers quote, e.g. "ResNet-56: 125.49M FLOPs"):
 * - `macs` counts convolutions and fully connected layers only: a Conv2D output element costs
 *   KH*KW*Cin MACs, a depthwise output element KH*KW, a Dense output element `inputs` MACs (per
 *   position for inputs of rank > 2). Biases, batch norm, activations, pooling and element-wise
 *   adds are not MACs; they are reported separately as `otherOps` (one op per element touched).
 * - `params` counts trainable weights (batch-norm gamma and beta included, moving statistics not);
 *   `nonTrainable` counts the rest.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';

export interface LayerCost { name: string; className: string; params: number; nonTrainable: number; macs: number; otherOps: number }
export interface ModelCost { params: number; nonTrainable: number; macs: number; otherOps: number; layers: LayerCost[] }

type Shape = (number | null)[];

function size(shape: Shape): number {
  return shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
}

function count(weights: { shape: (number | null)[] }[]): number {
  return weights.reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

export function modelCost(model: LayersModel): ModelCost {
  const layers: LayerCost[] = model.layers.map((layer) => {
    const className = layer.getClassName();
    const out = (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as Shape;
    const config = layer.getConfig() as Record<string, unknown>;
    let macs = 0, otherOps = 0;
    switch (className) {
      case 'Conv2D': {
        const [kh, kw] = config.kernelSize as number[];
        const inShape = (layer.input as { shape: Shape }).shape;
        const cin = inShape[inShape.length - 1] as number;
        macs = size(out) * kh * kw * cin;
        break;
      }
      case 'DepthwiseConv2D': {
        const [kh, kw] = config.kernelSize as number[];
        macs = size(out) * kh * kw;
        break;
      }
      case 'Dense': {
        const inShape = (layer.input as { shape: Shape }).shape;
        macs = size(out) * (inShape[inShape.length - 1] as number);
        break;
      }
      case 'BatchNormalization':
      case 'Activation':
      case 'ReLU':
      case 'Add':
      case 'MaxPooling2D':
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D':
      case 'LayerNormalization':
        otherOps = size((layer.input as { shape: Shape }).shape ?? out);
        break;
      default:
        otherOps = 0;
    }
    return { name: layer.name, className, params: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights), macs, otherOps };
  });
  const sum = (k: 'params' | 'nonTrainable' | 'macs' | 'otherOps') => layers.reduce((s, l) => s + l[k], 0);
  return { params: sum('params'), nonTrainable: sum('nonTrainable'), macs: sum('macs'), otherOps: sum('otherOps'), layers };
}
