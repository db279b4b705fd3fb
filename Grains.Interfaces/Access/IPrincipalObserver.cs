namespace Custodian.Access;

/// <summary>A gateway's cache of principals' grants, told of every change before the change returns.</summary>
[Alias("Custodian.Access.IPrincipalObserver")]
public interface IPrincipalObserver : IGrainObserver
{
    /// <summary>The principal's grants changed; these are its grants now.</summary>
    [Alias("GrantsChanged")]
    Task GrantsChangedAsync(string principal, PrincipalGrants grants);
}
