/** The object classes Argus reasons about. Everything else a detector finds is dropped. */
export const OBJECT_CLASSES = ['car', 'motorcycle', 'bus', 'truck', 'bicycle', 'person', 'traffic_light'] as const;
export type ObjectClass = (typeof OBJECT_CLASSES)[number];

export const VEHICLE_CLASSES = ['car', 'motorcycle', 'bus', 'truck', 'bicycle'] as const satisfies readonly ObjectClass[];
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];

export const isVehicleClass = (c: string): c is VehicleClass => (VEHICLE_CLASSES as readonly string[]).includes(c);
