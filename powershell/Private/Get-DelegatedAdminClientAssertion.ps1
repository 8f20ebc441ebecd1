function Get-DelegatedAdminClientAssertion {
    <#
    .SYNOPSIS
    The client assertion of a certificate connection (-CertificateThumbprint, -Certificate): the cached one while
    it has at least five minutes left, else a newly signed one.

    .DESCRIPTION
    The library keeps a credential, with its token cache, per distinct auth object: reusing one assertion for most
    of its ten minutes lets calls share the tokens of the first, and a call made with a fresh assertion can get
    new tokens for at least five minutes (a long call, such as a cleanup of thousands of customers, that needs a
    new token later than that fails with unauthorized and can be resumed; -CertificatePath has no such limit:
    the library signs each assertion itself). The cached assertion is kept as a SecureString in the connection.
    The audience is the token endpoint: {authority}/{tenant}/oauth2/v2.0/token, with the connection's authority
    (-Authority, -Endpoint or the cloud's).

    .PARAMETER Connection
    A connection whose AuthKind is CertificateThumbprint or Certificate.

    .OUTPUTS
    System.String. The assertion (a secret: the caller clears it with the rest of the request).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection
    )

    $cache = $Connection.AssertionCache
    if ($null -ne $cache -and $cache.Assertion -is [System.Security.SecureString] -and $cache.ExpiresOn -gt [DateTime]::UtcNow.AddMinutes(5)) {
        return (ConvertFrom-DelegatedAdminSecureString -SecureString $cache.Assertion)
    }
    $authority = (Get-DelegatedAdminServiceUrl -Connection $Connection -Service Identity).TrimEnd('/')
    $audience = '{0}/{1}/oauth2/v2.0/token' -f $authority, $Connection.TenantId
    $algorithm = [string]$Connection.SignatureAlgorithm
    if ([string]::IsNullOrEmpty($algorithm)) {
        $algorithm = 'PS256'
    }
    $signed = ConvertTo-DelegatedAdminClientAssertion -Certificate $Connection.Certificate -ClientId $Connection.ClientId -Audience $audience -SignatureAlgorithm $algorithm
    if ($null -ne $cache -and $cache.Assertion -is [System.Security.SecureString]) {
        $cache.Assertion.Dispose()
    }
    $Connection.AssertionCache = [pscustomobject]@{
        Assertion = ConvertTo-DelegatedAdminSecureString -PlainText $signed.Assertion
        ExpiresOn = $signed.ExpiresOn
    }
    Write-Verbose ('Signed a new client assertion with the certificate {0} ({1}), valid until {2:u}.' -f $Connection.Certificate.Thumbprint, $algorithm, $signed.ExpiresOn)
    return $signed.Assertion
}
