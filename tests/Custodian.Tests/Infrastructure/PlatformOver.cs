namespace Custodian.Tests.Infrastructure;

/// <summary>A platform over storage and keys that already exist, e.g. a storage account rebuilt by a restore.</summary>
public sealed class PlatformOver(AzuriteServer azurite, string secretsFolder) : Platform(azurite, secretsFolder);
