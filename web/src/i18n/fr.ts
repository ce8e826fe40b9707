/** French strings (the default language). Keys mirror en.ts. */
export const fr = {
  app: {
    loading: "Chargement…",
    syncing: "Connexion à votre serveur et déchiffrement…",
    startFailed: "Impossible de démarrer la session.",
    backToLogin: "Revenir à la connexion",
    logout: "Se déconnecter",
    loggingOut: "Sauvegarde des clés…",
    offline: "Serveur injoignable : vos messages partiront dès le retour de la connexion.",
    language: "Langue",
    languageName: { fr: "Français", en: "English" },
  },
  common: { close: "Fermer", cancel: "Annuler" },
  login: {
    title: "Connexion à Tchap",
    subtitle: "La messagerie sécurisée des agents publics.",
    identifier: "Adresse e-mail professionnelle ou identifiant Matrix",
    password: "Mot de passe",
    submit: "Se connecter",
    busy: "Connexion…",
  },
  errors: {
    WRONG_PASSWORD: "Mot de passe incorrect.",
    UNKNOWN_ACCOUNT: "Aucun compte ne correspond à cette adresse.",
    HOMESERVER_UNREACHABLE:
      "Le serveur de votre administration est injoignable. Réessayez dans un instant.",
    DIRECTORY_UNREACHABLE:
      "L'annuaire des administrations est injoignable. Réessayez dans un instant.",
    INVALID_IDENTIFIER:
      "Saisissez une adresse e-mail (prenom.nom@…) ou un identifiant Matrix (@nom:serveur).",
    ACCOUNT_EXPIRED: "Votre compte a expiré : renouvelez-le depuis le lien reçu par e-mail.",
    ACCOUNT_DEACTIVATED: "Ce compte a été désactivé.",
    RATE_LIMITED: "Trop de tentatives. Patientez quelques secondes.",
    ACCESS_RULES_REFUSED:
      "Refusé par les règles d'accès du salon : par exemple, les utilisateurs externes ne peuvent pas rejoindre un salon réservé aux agents, et une conversation directe est limitée à deux personnes.",
    EXTERNAL_NOT_ALLOWED:
      "{{name}} est un utilisateur externe à l'administration : ce salon est réservé aux agents publics. Pour l'inviter, créez un « Salon privé ouvert aux externes ».",
    DIRECT_CHAT_FULL: "Une conversation directe est limitée à deux personnes.",
    EXTERNAL_NOT_INVITED:
      "Les utilisateurs externes ne peuvent rejoindre ce salon que sur invitation.",
    EXTERNAL_CANNOT_CREATE_ROOM:
      "Les utilisateurs externes ne peuvent pas créer de salon : demandez à un agent de vous inviter.",
    ROOM_NOT_PUBLISHABLE:
      "Seuls les salons réservés aux agents peuvent être publiés dans l'annuaire des salons.",
    INVITE_ONLY_REQUIRED:
      "Un salon ouvert aux externes doit rester accessible sur invitation uniquement.",
    DIRECT_CHAT_PUBLIC: "Une conversation directe ne peut pas devenir publique.",
    DIRECT_CHAT_LOCKED:
      "Le nom, le sujet et l'image d'une conversation directe ne peuvent pas être modifiés.",
    EXTERNAL_POWER_LEVEL:
      "Dans un salon ouvert aux externes, les utilisateurs externes ne peuvent pas recevoir de droits.",
    ACCESS_RULE_CHANGE:
      "Ce changement n'est pas possible : un salon réservé aux agents peut seulement être ouvert aux externes.",
    ROOM_HAS_EXTERNAL_MEMBERS:
      "Le salon compte des utilisateurs externes : il ne peut pas être réservé aux agents.",
    UNKNOWN_ACCESS_RULE: "Règle d'accès inconnue.",
    ACL_MUST_DENY_EXTERNALS:
      "Un salon réservé aux agents doit continuer d'exclure les serveurs des utilisateurs externes.",
    REMOVED_FROM_ROOM: "{{by}} vous a retiré du salon « {{room}} ».",
    RECOVERY_KEY_MISMATCH:
      "Ces groupes ne correspondent pas à votre clé. Vérifiez ce que vous avez noté, ou affichez la clé à nouveau.",
    RECOVERY_KEY_INVALID:
      "Ce n'est pas une clé de récupération : elle compte 48 caractères en groupes de quatre (EsT…).",
    RECOVERY_KEY_WRONG: "Cette clé de récupération n'est pas celle de votre compte.",
    NO_RECOVERY_SET_UP:
      "Votre compte n'a pas de clé de récupération. Vérifiez cet appareil depuis un autre appareil.",
    DEVICE_NOT_VERIFIED: "Vérifiez d'abord cet appareil.",
    BACKUP_KEY_NOT_SHARED:
      "Appareil vérifié, mais l'autre appareil n'a pas transmis la sauvegarde : saisissez votre clé de récupération pour lire l'historique.",
    FORBIDDEN: "Vous n'avez pas le droit de faire cela.",
    NOT_FOUND: "Introuvable.",
    USER_NOT_FOUND: "Aucun utilisateur ne correspond à cette adresse.",
    NETWORK: "Connexion impossible au serveur.",
    UNKNOWN: "Une erreur inattendue s'est produite.",
  },
  rooms: {
    navigation: "Salons et conversations",
    list: "Liste des salons",
    filter: "Filtrer les salons",
    create: "Nouveau salon",
    startDm: "Nouvelle conversation",
    noneSelected: "Choisissez un salon ou une conversation.",
    empty: "Aucun salon pour l'instant.",
    noMatch: "Aucun salon ne correspond.",
    invitedBy: "Invitation de {{name}}",
    accept: "Accepter",
    decline: "Refuser",
    unread_one: "{{count}} message non lu",
    unread_other: "{{count}} messages non lus",
    mentions_one: "{{count}} mention",
    mentions_other: "{{count}} mentions",
  },
  room: {
    encrypted: "Chiffré",
    encryptedHint: "Les messages de ce salon sont chiffrés de bout en bout.",
    members: "Membres",
    membersCount_one: "{{count}} membre",
    membersCount_other: "{{count}} membres",
    invite: "Inviter",
    leave: "Quitter",
    leaveConfirm: "Quitter « {{name}} » ?",
    timeline: "Messages",
    loadOlder: "Afficher les messages précédents",
    loadingOlder: "Chargement…",
    typing_one: "{{names}} écrit…",
    typing_other: "{{names}} écrivent…",
    uploading: "Envoi de {{name}}",
    cancelUpload: "Annuler l'envoi de {{name}}",
    admin: "Administrateur",
    invited: "Invité",
    kick: "Retirer {{name}} du salon",
    kickShort: "Retirer",
    kickConfirm: "Retirer {{name}} du salon ?",
  },
  message: {
    mentionsYou: "vous mentionne",
    label: "Message de {{name}} à {{time}}",
    edited: "(modifié)",
    redacted: "Message supprimé",
    decrypting: "Déchiffrement…",
    unavailable: "Message non chargé",
    failed: "Échec de l'envoi.",
    retry: "Réessayer",
    discard: "Abandonner",
    sending: "Envoi…",
    readBy: "Lu par {{names}}",
    reply: "Répondre",
    edit: "Modifier",
    delete: "Supprimer",
    deleteConfirm: "Supprimer ce message pour tout le monde ?",
    react: "Réagir avec {{key}}",
    reactionCount: "{{key}} : {{count}}",
  },
  composer: {
    mentionList: "Personnes du salon à mentionner",
    label: "Écrire un message",
    placeholder: "Écrire un message…",
    placeholderEncrypted: "Écrire un message chiffré…",
    send: "Envoyer",
    attach: "Joindre un fichier",
    editing: "Modification",
    replyingTo: "Réponse à {{name}}",
  },
  media: {
    loading: "Chargement de l'image…",
    open: "Ouvrir l'image {{name}} en grand",
    close: "Fermer l'image",
    download: "Télécharger {{name}}",
    downloadShort: "Télécharger",
    failed: "Impossible de charger le fichier.",
  },
  notice: {
    joined: "{{target}} a rejoint le salon",
    left: "{{sender}} a quitté le salon",
    invited: "{{sender}} a invité {{target}}",
    kicked: "{{sender}} a retiré {{target}}",
    created: "{{sender}} a créé le salon",
    encrypted: "Le chiffrement de bout en bout est activé",
    declined: "{{target}} a refusé l'invitation",
  },
  create: {
    title: "Nouveau salon",
    name: "Nom du salon",
    topic: "Sujet (facultatif)",
    type: "Type de salon",
    types: {
      private: "Salon privé",
      private_external: "Salon privé ouvert aux externes",
      forum: "Forum",
    },
    hints: {
      private: "sur invitation, réservé aux agents.",
      private_external: "sur invitation, des externes peuvent être invités.",
      forum: "public, visible dans l'annuaire des salons, non chiffré.",
    },
    encrypted: "Chiffré de bout en bout.",
    submit: "Créer le salon",
  },
  people: {
    search: "Adresse e-mail, identifiant Matrix ou nom",
    searchButton: "Rechercher",
    none: "Personne ne correspond.",
    startDmTitle: "Nouvelle conversation",
    startDm: "Écrire",
    inviteTitle: "Inviter dans le salon",
    invite: "Inviter",
  },
  utd: {
    waiting: "En attente de la clé de déchiffrement… Le message s'affichera dès qu'elle arrivera.",
    history_locked:
      "Envoyé avant la connexion de cet appareil. Déverrouillez l'historique avec votre clé de récupération ou un autre appareil.",
    history_no_backup:
      "Envoyé avant la connexion de cet appareil, et votre compte n'a pas de sauvegarde des clés : il ne peut pas être lu ici, seulement sur vos appareils connectés à ce moment-là.",
    history_not_in_backup:
      "Envoyé avant la connexion de cet appareil, et sa clé ne figure pas dans votre sauvegarde : il reste lisible sur l'appareil qui l'a reçu.",
    not_member:
      "Envoyé quand vous n'étiez pas membre du salon : ce message ne vous était pas destiné.",
    key_from_later:
      "Cet appareil a reçu la clé de la conversation après ce message. Déverrouillez l'historique avec votre clé de récupération ou un autre appareil.",
    withheld: "L'expéditeur n'a pas partagé la clé de ce message avec cet appareil.",
    this_device_unverified:
      "L'expéditeur ne partage ses messages qu'avec les appareils vérifiés. Vérifiez cet appareil depuis un autre de vos appareils ou avec votre clé de récupération.",
    sender_identity_changed:
      "L'identité de l'expéditeur a changé depuis que vous l'avez vérifiée : message masqué par précaution. Vérifiez à nouveau cette personne.",
    sender_device_unverified:
      "Envoyé depuis un appareil que son propriétaire n'a pas vérifié : message masqué par précaution.",
    unknown:
      "Ce message ne peut pas être déchiffré sur cet appareil. Il reste peut-être lisible sur vos autres appareils.",
  },
  securitySettings: {
    open: "Sécurité",
    title: "Sécurité",
    devicesTitle: "Vos appareils",
    devicesIntro:
      "Les appareils connectés à votre compte. Déconnectez ceux que vous ne reconnaissez pas ou n'utilisez plus.",
    loading: "Chargement de vos appareils…",
    unnamed: "Appareil sans nom",
    thisDevice: "Cet appareil",
    verified: "Vérifié",
    unverified: "Non vérifié",
    lastSeen: "Dernière activité : {{when}}",
    lastSeenFrom: "Dernière activité : {{when}} depuis {{ip}}",
    neverSeen: "Aucune activité connue",
    deviceId: "identifiant {{id}}",
    rename: "Renommer cet appareil",
    renameLabel: "Nom de cet appareil",
    save: "Enregistrer",
    signOut: "Déconnecter",
    signOutNamed: "Déconnecter {{name}}",
    signOutPrompt: "Pour déconnecter « {{name}} », confirmez avec le mot de passe de votre compte.",
    password: "Mot de passe de votre compte",
    signOutConfirm: "Déconnecter l'appareil",
    signingOut: "Déconnexion…",
    stillSignedIn: "L'appareil est toujours connecté.",
  },
  encryption: {
    recoveryKeyTitle: "Clé de récupération",
    recoveryKeyIntro:
      "Vos messages chiffrés sont sauvegardés sur votre serveur, verrouillés par cette clé. Elle seule permet de les relire sur un nouvel appareil ou après une déconnexion. Conservez-la en lieu sûr (gestionnaire de mots de passe, coffre) : elle ne sera plus affichée.",
    recoveryKeyLabel: "Votre clé de récupération",
    copy: "Copier",
    copied: "Copiée",
    download: "Télécharger",
    downloadName: "cle-de-recuperation-tchap.txt",
    downloadText:
      "Clé de récupération Tchap de {{user}}\n\n{{key}}\n\nElle permet de relire vos messages chiffrés sur un nouvel appareil. Ne la communiquez à personne.\n",
    saved: "J'ai enregistré ma clé",
    confirmTitle: "Confirmez votre clé de récupération",
    confirmIntro:
      "Pour vérifier que vous l'avez bien notée, saisissez deux de ses groupes de quatre caractères.",
    group: "Groupe n°{{n}}",
    confirm: "Confirmer",
    showAgain: "Afficher la clé à nouveau",
    unlockTitle: "Déverrouiller l'historique",
    unlockIntro:
      "Ce nouvel appareil ne peut pas encore lire vos messages chiffrés plus anciens. Comment voulez-vous les déverrouiller ?",
    withOtherDevice: "Vérifier avec un autre appareil",
    withOtherDeviceHint:
      "Sur un appareil déjà connecté, acceptez la demande et comparez les emoji.",
    withRecoveryKey: "Utiliser la clé de récupération",
    later: "Plus tard",
    enterKey: "Clé de récupération",
    unlock: "Déverrouiller",
    back: "Retour",
    waitingOtherDevice:
      "Demande envoyée : acceptez-la sur un de vos autres appareils connectés, puis comparez les emoji.",
    restoring: "Restauration de vos messages…",
    restoringProgress: "Restauration des clés : {{done}} / {{total}}",
    lostKey: "Clé perdue ? Réinitialiser le chiffrement",
    lockedBanner:
      "Les messages plus anciens restent verrouillés sur cet appareil tant qu'il n'est pas vérifié.",
    lockedAction: "Déverrouiller",
    setupFailed:
      "La sauvegarde de vos clés n'a pas pu être activée. Elle sera réessayée à la prochaine connexion.",
    resetTitle: "Réinitialiser le chiffrement",
    resetWarning:
      "Sans clé de récupération ni autre appareil, vos messages chiffrés passés sont perdus. La réinitialisation crée une nouvelle identité et une nouvelle sauvegarde : vos messages futurs seront protégés, mais l'historique restera illisible, et vos contacts verront que votre identité a changé.",
    resetPassword: "Mot de passe du compte",
    resetConfirm: "Réinitialiser",
    logoutTitle: "Se déconnecter ?",
    logoutNoBackup:
      "Cet appareil détient des clés de messages chiffrés qui ne sont sauvegardées nulle part : après la déconnexion, ces messages seront illisibles.",
    logoutPending:
      "{{count}} clé(s) de messages ne sont pas encore envoyées à votre sauvegarde. Attendez la fin de l'envoi pour ne rien perdre.",
    logoutWait: "Attendre la sauvegarde",
    logoutWaiting: "Envoi à la sauvegarde…",
    logoutAnyway: "Se déconnecter quand même",
    settingsTitle: "Clé de récupération et sauvegarde",
    backupOn: "Sauvegarde des clés active (version {{version}}).",
    backupOff: "Sauvegarde des clés inactive sur cet appareil.",
    changeKey: "Changer la clé de récupération",
  },
  verification: {
    title: "Vérification",
    incomingUser:
      "{{name}} vous propose de vous vérifier mutuellement : vous comparerez sept emoji, chacun sur son écran.",
    incomingSelf:
      "Un autre de vos appareils demande à être vérifié. Acceptez si c'est vous qui venez de vous y connecter.",
    accept: "Accepter",
    decline: "Refuser",
    waitingUser: "Demande envoyée à {{name}}. En attente de sa réponse…",
    waitingSelf:
      "Demande envoyée. Acceptez-la sur votre autre appareil connecté, puis comparez les emoji.",
    compareUser:
      "Vérifiez avec {{name}} (de vive voix ou par téléphone) que vous voyez les mêmes emoji, dans le même ordre.",
    compareSelf: "Vérifiez que votre autre appareil affiche les mêmes emoji, dans le même ordre.",
    emojiList: "Emoji à comparer",
    match: "Ils correspondent",
    noMatch: "Ils ne correspondent pas",
    waitingConfirmation: "En attente de la confirmation de l'autre côté…",
    doneUser: "{{name}} est vérifié(e) : vos échanges sont protégés contre l'usurpation.",
    doneSelf: "Vérification terminée : cet appareil et l'autre se font confiance.",
    cancelled: {
      mismatch:
        "Les emoji ne correspondent pas : la vérification est annulée. N'échangez rien de sensible et prévenez votre interlocuteur par un autre moyen.",
      declined: "La vérification a été refusée ou annulée par l'autre côté.",
      timeout: "Sans réponse, la demande de vérification a expiré.",
      elsewhere: "La demande a été traitée sur un autre de vos appareils.",
      failed: "La vérification a échoué. Réessayez dans un instant.",
    },
    verify: "Vérifier",
    verifyPerson: "Vérifier {{name}}",
    verified: "Vérifié",
    verifiedPerson: "{{name}} est vérifié(e)",
    changed: "Identité modifiée",
    identityChanged: "L'identité de {{name}} a changé.",
    identityChangedVerified:
      "Vous l'aviez vérifiée. Cela arrive quand on réinitialise son compte, mais peut aussi signaler une usurpation : vérifiez à nouveau, ou acceptez la nouvelle identité pour lui écrire.",
    identityChangedUnverified:
      "Cela arrive quand on réinitialise son compte. En cas de doute, vérifiez son identité.",
    acceptIdentity: "Accepter la nouvelle identité",
    acceptIdentityOf: "Accepter la nouvelle identité de {{name}}",
    verifyAgain: "Vérifier à nouveau",
    verifyAgainPerson: "Vérifier à nouveau {{name}}",
    otherDevice: "Vérifier avec un autre appareil",
  },
};
