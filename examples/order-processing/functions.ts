/**
 * The Lambda handlers of the order-processing example. Locally they run in-process; on AWS they are ordinary
 * Lambda functions with the same names.
 */
interface Item {
  sku: string;
  quantity: number;
  price: number;
}

interface Order {
  orderId: string;
  items: Item[];
}

class ValidationError extends Error {
  override name = 'OrderValidationError';
}

class PaymentGatewayTimeout extends Error {
  override name = 'PaymentGatewayTimeout';
}

export function validateOrder(order: Order) {
  if (!Array.isArray(order.items) || order.items.length === 0) {
    throw new ValidationError(`Order ${order.orderId} has no items`);
  }
  const total = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return { ...order, total, validatedAt: new Date().toISOString() };
}

export function reserveInventory(order: Order) {
  console.log('reserving %d SKUs for order %s', order.items.length, order.orderId);
  return {
    reservationId: `res-${order.orderId}`,
    skus: order.items.map((item) => item.sku),
  };
}

export function notifyCustomer(request: { orderId: string; message: string }) {
  return { notificationId: `note-${request.orderId}`, message: request.message };
}

export function packItem(request: { orderId: string; position: number; item: Item }) {
  return { package: `${request.orderId}-pkg-${request.position + 1}`, sku: request.item.sku };
}

/** The payment gateway times out on the first attempt for each order, so the history shows a retry. */
const attempts = new Map<string, number>();

export function chargePayment(request: { orderId: string; amount: number }) {
  const attempt = (attempts.get(request.orderId) ?? 0) + 1;
  attempts.set(request.orderId, attempt);
  if (attempt === 1) throw new PaymentGatewayTimeout(`Gateway did not answer for ${request.orderId}`);
  return { paymentId: `pay-${request.orderId}`, amount: request.amount };
}
