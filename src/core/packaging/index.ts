export { packageModel, PACKAGE_MANIFEST, type PackageOptions, type PackageResult, type PackageManifest } from './packageModel';
export { PACKAGE_PLATFORMS, packagePlatform, isPackagePlatform, type PackagePlatformName } from './platforms';
export { CONTAINER_PORT, DEFAULT_BASE_IMAGE } from './dockerfile';
export { imageName, kubeName } from './names';
