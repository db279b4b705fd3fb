namespace Custodian.Hosting;

/// <summary>
/// Marks an options property that holds a secret (a password, an inline key): it is left out of the
/// <see cref="ConfigurationDigest"/>, so rotating it does not show as a configuration change and its
/// value never reaches the trail, even hashed.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class SecretAttribute : Attribute;
