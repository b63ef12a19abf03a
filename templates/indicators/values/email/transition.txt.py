BBBB BBBB BBBBBBBBBBBBBBBB BBB gettext(u'%(school)s — indicator values of %(year)s') SSSSSSSSSS S SSSSSSSSS SSSSSS SS SSSSSSSS

 gettext(u'Status: %(status)s') SSSSSSS SSSSSSSSSS
BB BBBBBBBBBBB gettext(u'By: %(who)s') SSS SSSSSSSBBBBB
BB BBBBBBBBBBBBB
 gettext(u'Comment:') 

BBBBB
 gettext(u'Open the values:')  
BBBBBBBBBBBBB
